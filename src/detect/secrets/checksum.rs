//! Offline checks of the integrity data some providers build into their
//! tokens, which tell an issued token from a random string of its shape.

use serde::Deserialize;

/// A provider's documented token integrity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`):
    /// the last 6 characters are the CRC-32 of the characters between the
    /// `_` and them, in base62 (`0-9A-Za-z`), zero-padded.
    Crc32Base62,
    /// PyPI: `pypi-` and a base64url macaroon (version 2 binary format):
    /// a header with an identifier, caveat sections, and a 32-byte signature.
    PypiMacaroon,
    /// JWT (JWS compact form): the first segment is base64url of a JSON
    /// object header naming its `alg`.
    JwtHeader,
}

impl Checksum {
    /// Whether `token` (the whole match, prefix included) passes the check.
    pub fn verify(self, token: &str) -> bool {
        match self {
            Checksum::Crc32Base62 => crc32_base62_ok(token),
            Checksum::PypiMacaroon => token
                .strip_prefix("pypi-")
                .and_then(base64_bytes)
                .is_some_and(|bytes| macaroon_v2_ok(&bytes)),
            Checksum::JwtHeader => jwt_header_ok(token),
        }
    }

    /// What `confgate explain` says about the check.
    pub fn describe(self) -> &'static str {
        match self {
            Checksum::Crc32Base62 => "its CRC-32 checksum (last 6 characters, base62) is verified offline",
            Checksum::PypiMacaroon => "its macaroon structure (version, identifier, caveats, 32-byte signature) is verified offline",
            Checksum::JwtHeader => "its header is verified offline to be a JSON object naming an `alg`",
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE 802.3, as zlib and Go's `hash/crc32` compute it).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `value` in base62, zero-padded to 6 characters.
pub fn base62_6(mut value: u32) -> String {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn crc32_base62_ok(token: &str) -> bool {
    let Some((_, payload)) = token.split_once('_') else {
        return false;
    };
    if payload.len() <= 6 || !payload.is_ascii() {
        return false;
    }
    let (entropy, check) = payload.split_at(payload.len() - 6);
    base62_6(crc32(entropy.as_bytes())) == check
}

/// Base64 in either alphabet (standard or URL-safe), padding optional;
/// `None` when it is not base64.
pub fn base64_bytes(encoded: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(encoded.len() * 3 / 4);
    for b in encoded.trim_end_matches('=').bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

fn jwt_header_ok(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or("");
    base64_bytes(header)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .is_some_and(|text| {
            let text = text.trim();
            text.starts_with('{') && text.ends_with('}') && text.contains("\"alg\"")
        })
}

/// Field types of the macaroon version 2 binary format.
const EOS: u64 = 0;
const LOCATION: u64 = 1;
const IDENTIFIER: u64 = 2;
const VID: u64 = 4;
const SIGNATURE: u64 = 6;

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// One field: `(type, data length)`; `(EOS, 0)` for a section's end.
    fn field(&mut self) -> Option<(u64, usize)> {
        let kind = self.varint()?;
        if kind == EOS {
            return Some((EOS, 0));
        }
        let len = usize::try_from(self.varint()?).ok()?;
        self.at = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())?;
        Some((kind, len))
    }

    /// A section's field types up to its end marker.
    fn section(&mut self) -> Option<Vec<u64>> {
        let mut kinds = Vec::new();
        loop {
            match self.field()? {
                (EOS, _) => return Some(kinds),
                (kind, _) => kinds.push(kind),
            }
        }
    }
}

/// A version 2 binary macaroon: version byte, a header with an identifier,
/// caveat sections, an empty section, then exactly a 32-byte signature.
fn macaroon_v2_ok(bytes: &[u8]) -> bool {
    if bytes.first() != Some(&2) {
        return false;
    }
    let mut reader = Reader { bytes, at: 1 };
    let known = |k: &u64| matches!(*k, LOCATION | IDENTIFIER | VID);
    let Some(header) = reader.section() else {
        return false;
    };
    if !header.contains(&IDENTIFIER) || !header.iter().all(known) {
        return false;
    }
    loop {
        match reader.section() {
            Some(caveat) if caveat.is_empty() => break,
            Some(caveat) if caveat.contains(&IDENTIFIER) && caveat.iter().all(known) => {}
            _ => return false,
        }
    }
    reader.field() == Some((SIGNATURE, 32)) && reader.at == bytes.len()
}

/// Tokens with valid integrity data, built from given parts: for tests and
/// fixtures (no randomness, nothing that could authenticate anywhere).
pub mod sample {
    use super::{base62_6, crc32};

    /// `prefix`, `entropy` and its CRC-32 in base62: a GitHub/npm-format token.
    pub fn github_style(prefix: &str, entropy: &str) -> String {
        format!("{prefix}{entropy}{}", base62_6(crc32(entropy.as_bytes())))
    }

    fn field(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
        out.push(kind);
        let mut len = data.len();
        while len >= 0x80 {
            out.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(data);
    }

    /// Unpadded base64url.
    pub fn base64url(bytes: &[u8]) -> String {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    /// `pypi-` and a version 2 binary macaroon: location, identifier, one
    /// section per first-party caveat, and the signature.
    pub fn pypi_macaroon(
        location: &str,
        identifier: &[u8],
        caveats: &[&[u8]],
        signature: &[u8],
    ) -> String {
        let mut m = vec![2u8];
        field(&mut m, 1, location.as_bytes());
        field(&mut m, 2, identifier);
        m.push(0);
        for caveat in caveats {
            field(&mut m, 2, caveat);
            m.push(0);
        }
        m.push(0);
        field(&mut m, 6, signature);
        format!("pypi-{}", base64url(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The check value every CRC-32/ISO-HDLC implementation publishes.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_and_orders_digits_upper_then_lower() {
        assert_eq!(base62_6(0), "000000");
        assert_eq!(base62_6(61), "00000z");
        assert_eq!(base62_6(62), "000010");
        assert_eq!(base62_6(u32::MAX), "4gfFC3");
    }

    #[test]
    fn github_style_tokens_pass_only_with_their_checksum() {
        let entropy = "Wq8Tz2Lk9Wx4Rv8Np3Hs6Jd1Fb5Cy0";
        let good = sample::github_style("ghp_", entropy);
        assert!(Checksum::Crc32Base62.verify(&good));
        assert!(Checksum::Crc32Base62.verify(&sample::github_style("npm_", entropy)));
        // One character changed, anywhere, fails.
        assert!(!Checksum::Crc32Base62.verify(&good.replace("Wq8", "Wq9")));
        let mut wrong = good.clone();
        wrong.pop();
        wrong.push(if good.ends_with('A') { 'B' } else { 'A' });
        assert!(!Checksum::Crc32Base62.verify(&wrong));
        // Short forms: the check works at any length.
        let short = sample::github_style("ghp_", "Zt4rQ8wLmN2pXy6vKc3eHb7JdF9");
        assert!(Checksum::Crc32Base62.verify(&short));
        assert!(!Checksum::Crc32Base62.verify("ghp_abc"));
    }

    fn pypi_token(signature_len: usize) -> String {
        let signature = vec![0x5a; signature_len];
        let caveat: &[u8] = br#"{"version": 1, "permissions": "user"}"#;
        sample::pypi_macaroon(
            "pypi.org",
            b"d41c8e0b-77aa-4c1f-9e0d-5b2f3a1c9d8e",
            &[caveat],
            &signature,
        )
    }

    #[test]
    fn jwt_headers_must_be_json_naming_an_alg() {
        let header = |json: &str| sample::base64url(json.as_bytes());
        let rest = ".eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJlLWJ5dGVz";
        for json in [
            r#"{"alg":"HS256","typ":"JWT"}"#,
            "{\n  \"alg\": \"RS256\"\n}",
        ] {
            assert!(
                Checksum::JwtHeader.verify(&format!("{}{rest}", header(json))),
                "{json}"
            );
        }
        for json in [r#"{"typ":"JWT"}"#, "alg=HS256", r#"{"alg":"HS256""#] {
            assert!(
                !Checksum::JwtHeader.verify(&format!("{}{rest}", header(json))),
                "{json}"
            );
        }
        assert!(!Checksum::JwtHeader.verify("eyJ!!!.eyJ.x"));
    }

    #[test]
    fn pypi_macaroons_are_checked_for_structure() {
        let good = pypi_token(32);
        assert!(good.starts_with("pypi-AgEIcHlwaS5vcmc"), "{good}");
        assert!(Checksum::PypiMacaroon.verify(&good));
        assert!(!Checksum::PypiMacaroon.verify(&pypi_token(31)));
        assert!(!Checksum::PypiMacaroon.verify(&good[..good.len() - 4]));
        assert!(!Checksum::PypiMacaroon.verify(
            "pypi-AgEIcHlwaS5vcmcU9hqQG5VxBekfh6PSt4AMUOk7S4IhGXxXeLmFdfMMbxYspSsvu5Wqb2P6mRfBnUXei8PY3"
        ));
        assert!(!Checksum::PypiMacaroon.verify("pypi-not base64"));
    }
}
