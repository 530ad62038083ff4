//! Bytes to text: UTF-8, UTF-16 and UTF-32 (with a BOM, or recognisable
//! without one), or binary content in a known format that is not scanned.

use std::sync::Arc;

use crate::model::{Content, Text};

/// How far into a file the binary and encoding judgements look (libgit2's
/// own probe for binary content).
pub const PROBE: usize = 8000;

/// A file's bytes as the checks see them. Content that merely holds a NUL
/// byte is still scanned (as lossy UTF-8): only a recognised binary format
/// (images, fonts, archives, compiled code) is left unread, so a NUL put
/// in front of a secret does not hide it.
pub fn decode(bytes: &[u8]) -> Content {
    if let Some(text) = decode_with_bom(bytes) {
        return Content::Text(text.into());
    }
    let probe = &bytes[..bytes.len().min(PROBE)];
    if !has_nul(probe) {
        return Content::Text(utf8(bytes).into());
    }
    if let Some(text) = decode_wide_without_bom(bytes) {
        return Content::Text(text.into());
    }
    if is_binary_format(probe) {
        return Content::Binary;
    }
    Content::Text(utf8(bytes).into())
}

/// [`decode`] of bytes shared with git's object reader: plain UTF-8 text
/// (what [`as_plain_text`] takes) keeps them, uncopied.
pub fn decode_shared(bytes: Arc<Vec<u8>>) -> Content {
    if maybe_plain(&bytes) {
        if let Some(text) = Text::shared(Arc::clone(&bytes)) {
            return Content::Text(text);
        }
    }
    decode(&bytes)
}

/// `bytes` as text when [`decode`] would give exactly these bytes back
/// (valid UTF-8, no byte order mark, no NUL in the probe): a caller that
/// only reads the text can skip the copy.
pub fn as_plain_text(bytes: &[u8]) -> Option<&str> {
    if !maybe_plain(bytes) {
        return None;
    }
    simdutf8::basic::from_utf8(bytes).ok()
}

/// No byte order mark and no NUL in the probe: [`decode`] reads such
/// bytes as UTF-8 when they are.
fn maybe_plain(bytes: &[u8]) -> bool {
    let bom = [
        &[0xFF, 0xFE][..],
        &[0xFE, 0xFF],
        &[0xEF, 0xBB, 0xBF],
        &[0, 0, 0xFE, 0xFF],
    ];
    !bom.iter().any(|mark| bytes.starts_with(mark)) && !has_nul(&bytes[..bytes.len().min(PROBE)])
}

/// Whether `bytes` hold a NUL: `memchr`'s vector search, about a tenth of
/// the instructions of `<[u8]>::contains` on the 8,000-byte probe read for
/// every file version of a history.
fn has_nul(bytes: &[u8]) -> bool {
    memchr::memchr(0, bytes).is_some()
}

/// Text up to this many times `limits.max_file_size` is checked in chunks
/// of that size; a larger text file is not read (a `skipped-file` finding).
pub const CHUNKED_FACTOR: u64 = 16;

/// [`decode`] of a file over the size limit but within the chunked bound:
/// its text is [`Content::LargeText`].
pub fn decode_large(bytes: &[u8]) -> Content {
    match decode(bytes) {
        Content::Text(text) => Content::LargeText(text),
        other => other,
    }
}

/// A file over the size limit, judged by its first bytes: a known binary
/// format is binary content (not a finding); anything else is text that
/// was not read.
pub fn judge_large(prefix: &[u8], size: u64) -> Content {
    let probe = &prefix[..prefix.len().min(PROBE)];
    if has_nul(probe) && is_binary_format(probe) {
        Content::Binary
    } else {
        Content::TooLarge(size)
    }
}

fn utf8(bytes: &[u8]) -> String {
    // Validating first is several times faster than the lossy decoder on the
    // common, valid case; the result is the same text. SIMD validation is
    // several times faster again than the standard library's on text that
    // is not ASCII (fastapi's translated documentation).
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[derive(Clone, Copy)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

fn decode_with_bom(bytes: &[u8]) -> Option<String> {
    // UTF-32LE's BOM starts like UTF-16LE's: test it first.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE, 0, 0]) {
        return Some(decode_wide(rest, Wide::Utf32Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0, 0, 0xFE, 0xFF]) {
        return Some(decode_wide(rest, Wide::Utf32Be));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Some(decode_wide(rest, Wide::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Some(decode_wide(rest, Wide::Utf16Be));
    }
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).map(utf8)
}

/// Code units of `bytes` in `encoding`; a trailing partial unit is dropped.
fn units(bytes: &[u8], encoding: Wide) -> impl Iterator<Item = u32> + '_ {
    let width = match encoding {
        Wide::Utf16Le | Wide::Utf16Be => 2,
        Wide::Utf32Le | Wide::Utf32Be => 4,
    };
    bytes.chunks_exact(width).map(move |unit| match encoding {
        Wide::Utf16Le => u32::from(u16::from_le_bytes([unit[0], unit[1]])),
        Wide::Utf16Be => u32::from(u16::from_be_bytes([unit[0], unit[1]])),
        Wide::Utf32Le => u32::from_le_bytes([unit[0], unit[1], unit[2], unit[3]]),
        Wide::Utf32Be => u32::from_be_bytes([unit[0], unit[1], unit[2], unit[3]]),
    })
}

/// Lossy: a bad unit becomes U+FFFD, as for UTF-8.
fn decode_wide(bytes: &[u8], encoding: Wide) -> String {
    match encoding {
        Wide::Utf16Le | Wide::Utf16Be => {
            char::decode_utf16(units(bytes, encoding).map(|u| u as u16))
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        Wide::Utf32Le | Wide::Utf32Be => units(bytes, encoding)
            .map(|u| char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    }
}

/// UTF-16 or UTF-32 without a BOM, as Windows tools write it: recognised
/// when nearly every code unit of the probe is printable ASCII or
/// whitespace (every other byte NUL) and the whole text decodes cleanly.
fn decode_wide_without_bom(bytes: &[u8]) -> Option<String> {
    let probe = &bytes[..bytes.len().min(PROBE)];
    for encoding in [Wide::Utf32Le, Wide::Utf32Be, Wide::Utf16Le, Wide::Utf16Be] {
        let width = match encoding {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        };
        if bytes.len() % width != 0 || bytes.len() < 2 * width {
            continue;
        }
        let mut total = 0usize;
        let mut ascii = 0usize;
        for unit in units(probe, encoding) {
            total += 1;
            if unit == 0 {
                total = 0;
                break;
            }
            if unit < 0x80 && (unit >= 0x20 || matches!(unit, 0x09 | 0x0A | 0x0D | 0x0C)) {
                ascii += 1;
            }
        }
        if total == 0 || ascii * 10 < total * 9 {
            continue;
        }
        let clean = match encoding {
            Wide::Utf16Le | Wide::Utf16Be => {
                char::decode_utf16(units(bytes, encoding).map(|u| u as u16)).all(|c| c.is_ok())
            }
            Wide::Utf32Le | Wide::Utf32Be => {
                units(bytes, encoding).all(|u| char::from_u32(u).is_some())
            }
        };
        if clean {
            return Some(decode_wide(bytes, encoding));
        }
    }
    None
}

/// Magic numbers of binary formats a repository holds (images, fonts,
/// archives, compiled code, data files): content that is not text and is
/// never a finding for being binary.
fn is_binary_format(probe: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"BM",
        b"\x00\x00\x01\x00", // .ico
        b"II*\x00",
        b"MM\x00*",
        b"8BPS",
        b"%PDF-",
        b"PK\x03\x04", // zip, jar, wheel, docx, xlsx
        b"PK\x05\x06",
        b"\x1f\x8b",
        b"BZh",
        b"\xFD7zXZ\x00",
        b"7z\xBC\xAF\x27\x1C",
        b"Rar!\x1a\x07",
        b"\x28\xB5\x2F\xFD", // zstd
        b"\x7fELF",
        b"MZ",
        b"\xCA\xFE\xBA\xBE", // Java class, Mach-O fat
        b"\xFE\xED\xFA\xCE",
        b"\xFE\xED\xFA\xCF",
        b"\xCE\xFA\xED\xFE",
        b"\xCF\xFA\xED\xFE",
        b"\x00asm",
        b"wOFF",
        b"wOF2",
        b"OTTO",
        b"\x00\x01\x00\x00\x00", // TrueType
        b"SQLite format 3\x00",
        b"\x93NUMPY",
        b"PAR1",
        b"\xDE\x12\x04\x95", // gettext .mo
        b"\x95\x04\x12\xDE",
        b"ID3",
        b"OggS",
        b"fLaC",
        b"\x1aE\xDF\xA3", // matroska, webm
    ];
    if MAGIC.iter().any(|magic| probe.starts_with(magic)) {
        return true;
    }
    // RIFF containers (webp, wav, avi), ISO media (mp4, mov, heic), tar,
    // and Python bytecode (two version bytes, then `\r\n`).
    (probe.starts_with(b"RIFF") && probe.len() >= 12)
        || probe.get(4..8) == Some(b"ftyp")
        || probe.get(257..262) == Some(b"ustar")
        || (probe.get(2..4) == Some(b"\r\n") && probe.len() >= 16 && probe[4..16].contains(&0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_what_decode_gives_back_unchanged() {
        let mut nul_late = vec![b'a'; PROBE];
        nul_late.extend_from_slice(b"\0tail");
        let samples: Vec<Vec<u8>> = vec![
            b"k = 1\n".to_vec(),
            "caf\u{e9} \u{1F600}\r\n".as_bytes().to_vec(),
            Vec::new(),
            nul_late,
            b"\xEF\xBB\xBFwith a BOM\n".to_vec(),
            utf16le("\u{feff}wide\n"),
            b"bad \xFF byte\n".to_vec(),
            b"nul\0early".to_vec(),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        ];
        let mut plain = 0;
        for bytes in &samples {
            // Never a text `decode` would not give: NUL-holding UTF-8 that
            // decodes unchanged is left to `decode` (it may be wide text).
            if let Some(text) = as_plain_text(bytes) {
                assert_eq!(decode(bytes), Content::Text(text.into()), "{bytes:?}");
                plain += 1;
            }
            // The shared bytes give what `decode` gives, kept uncopied for
            // exactly the plain texts.
            let shared = Arc::new(bytes.clone());
            let content = decode_shared(Arc::clone(&shared));
            assert_eq!(content, decode(bytes), "{bytes:?}");
            let kept = match &content {
                Content::Text(text) => std::ptr::eq(text.as_ptr(), shared.as_ptr()),
                _ => false,
            };
            assert_eq!(kept, as_plain_text(bytes).is_some(), "{bytes:?}");
        }
        assert_eq!(plain, 4);
    }

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn text(content: Content) -> String {
        match content {
            Content::Text(text) => text.to_string(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn byte_order_marks_decode() {
        let source = "KEY = 'é'\nB = 2\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(utf16le(source));
        assert_eq!(text(decode(&le)), source);
        let mut be = vec![0xFE, 0xFF];
        be.extend(source.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(text(decode(&be)), source);
        let mut le32 = vec![0xFF, 0xFE, 0, 0];
        le32.extend(source.chars().flat_map(|c| (c as u32).to_le_bytes()));
        assert_eq!(text(decode(&le32)), source);
        let mut be32 = vec![0, 0, 0xFE, 0xFF];
        be32.extend(source.chars().flat_map(|c| (c as u32).to_be_bytes()));
        assert_eq!(text(decode(&be32)), source);
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend(source.as_bytes());
        assert_eq!(text(decode(&bom8)), source);
    }

    #[test]
    fn wide_text_without_a_bom_is_recognised() {
        let source = "AWS_KEY=AKIAZ4QW7RT2LMNBXP3C\r\n";
        assert_eq!(text(decode(&utf16le(source))), source);
        let be: Vec<u8> = source
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(text(decode(&be)), source);
        let le32: Vec<u8> = source
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert_eq!(text(decode(&le32)), source);
    }

    #[test]
    fn text_with_a_nul_is_still_text() {
        let mut bytes = b"X = 1\n".to_vec();
        bytes.extend([0u8, 159, 146, 150, 0, 255]);
        bytes.extend(b"\nKEY = 'AKIAZ4QW7RT2LMNBXP3C'\n");
        assert!(text(decode(&bytes)).contains("AKIAZ4QW7RT2LMNBXP3C"));
    }

    #[test]
    fn binary_formats_are_binary() {
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        png.extend([0u8; 64]);
        assert_eq!(decode(&png), Content::Binary);
        let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
        elf.extend([0u8; 64]);
        assert_eq!(decode(&elf), Content::Binary);
        let mut pyc = vec![0xA7, 0x0D, b'\r', b'\n', 0, 0, 0, 0];
        pyc.extend([0xE3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(decode(&pyc), Content::Binary);
        // A PNG without a NUL in its probe is not possible; a text that
        // starts like a magic but holds no NUL is text.
        assert!(matches!(decode(b"MZ is a text\n"), Content::Text(_)));
        assert_eq!(judge_large(&png, 1 << 30), Content::Binary);
        assert_eq!(
            judge_large(b"KEY = 1\n", 1 << 30),
            Content::TooLarge(1 << 30)
        );
    }
}
