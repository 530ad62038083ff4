//! A reader for git's index file, for the one question a pre-commit hook
//! asks of it: which paths differ from HEAD?
//!
//! libgit2 answers that by loading every entry (and hashing the whole file
//! to check its trailer) and then walking every tree of HEAD. git keeps a
//! *cache tree* in the index (the `TREE` extension): the tree id of every
//! directory whose entries have not changed since the last commit. With it,
//! a directory whose cached id equals HEAD's is skipped whole, so a commit
//! of ten files reads ten directories, not three thousand files.
//!
//! The reader declines (returns `None`) anything it is not sure about (a
//! split or sparse index, unmerged entries, intent-to-add entries, an
//! unknown required extension, a malformed file) and the caller falls back
//! to libgit2, which reads everything and reports errors properly.
//!
//! Format: git's `Documentation/gitformat-index.txt`, versions 2 to 4.

use std::collections::HashMap;

/// Length of a SHA-1 object id; SHA-256 repositories are refused earlier.
const OID_LEN: usize = 20;
/// Bytes of fixed-size stat data before the object id in an entry.
const STAT_LEN: usize = 40;
/// The trailing checksum of the file.
const TRAILER_LEN: usize = OID_LEN;

const FLAG_EXTENDED: u16 = 0x4000;
const FLAG_STAGE_MASK: u16 = 0x3000;
const EXTENDED_INTENT_TO_ADD: u16 = 0x2000;

/// Valid cache-tree nodes: directory path (no trailing slash, `""` for the
/// root) to the number of index entries below it and its tree id.
pub type CacheTree = HashMap<Vec<u8>, (usize, [u8; OID_LEN])>;

/// One stage-0 entry: what the next commit will record for its path
/// ([`IndexFile::path`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where the path lies in [`IndexFile::names`].
    name: (u32, u32),
    pub mode: u32,
    pub oid: [u8; OID_LEN],
    pub file_size: u32,
}

/// The parsed index: entries sorted by path as git keeps them, and the
/// valid cache-tree nodes. Every path lives in one buffer: an allocation
/// per path was a quarter of reading a 100,000-entry index.
#[derive(Debug, Default)]
pub struct IndexFile {
    pub entries: Vec<Entry>,
    names: Vec<u8>,
    pub cache_tree: CacheTree,
}

impl IndexFile {
    /// Parses `bytes`; `None` when the file uses a feature this reader
    /// leaves to libgit2, or is not a well-formed index.
    pub fn parse(bytes: &[u8]) -> Option<IndexFile> {
        let mut reader = Reader { bytes, at: 0 };
        let (version, count) = reader.header()?;
        let body_end = bytes.len().checked_sub(TRAILER_LEN)?;
        // Every entry takes at least 62 bytes: a count beyond what the file
        // can hold is a corrupt header, not an allocation to attempt.
        if count > body_end / (STAT_LEN + OID_LEN + 2) {
            return None;
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(count);
        // Paths take about a third of an index file.
        let mut names = Vec::with_capacity(bytes.len() / 3);
        for _ in 0..count {
            let previous = entries.last().map_or((0, 0), |e| e.name);
            let entry = reader.entry(version, previous, &mut names)?;
            entries.push(entry);
        }
        let cache_tree = reader.extensions(body_end)?;
        Some(IndexFile {
            entries,
            names,
            cache_tree,
        })
    }

    /// An entry's path.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        &self.names[entry.name.0 as usize..entry.name.1 as usize]
    }

    /// The entry for `path`, if it is staged.
    pub fn get(&self, path: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.path(e).cmp(path))
            .ok()
            .map(|at| &self.entries[at])
    }
}

/// The `TREE` extension: nodes in pre-order, each `name NUL count SP
/// subtrees LF` and an id when `count` is not -1 (invalidated).
fn parse_cache_tree(data: &[u8]) -> Option<CacheTree> {
    let mut reader = Reader { bytes: data, at: 0 };
    let mut out = HashMap::new();
    // (path of the node, children still to read)
    let mut stack: Vec<(Vec<u8>, usize)> = Vec::new();
    while reader.at < data.len() {
        let name = reader.until_nul()?;
        let count = reader.ascii_number(b' ')?;
        let children = usize::try_from(reader.ascii_number(b'\n')?).ok()?;
        let path = match stack.last_mut() {
            None => name.to_vec(),
            Some((parent, left)) => {
                *left = left.checked_sub(1)?;
                if parent.is_empty() {
                    name.to_vec()
                } else {
                    [parent.as_slice(), b"/", name].concat()
                }
            }
        };
        if let Ok(count) = usize::try_from(count) {
            let oid: [u8; OID_LEN] = reader.take(OID_LEN)?.try_into().ok()?;
            out.insert(path.clone(), (count, oid));
        }
        stack.push((path, children));
        while stack.last().is_some_and(|(_, left)| *left == 0) {
            stack.pop();
        }
    }
    Some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// The signature, a supported version, and the entry count.
    fn header(&mut self) -> Option<(u32, usize)> {
        if self.take(4)? != b"DIRC" {
            return None;
        }
        let version = self.u32()?;
        if !(2..=4).contains(&version) {
            return None;
        }
        Some((version, self.u32()? as usize))
    }

    /// One stage-0 entry, its path appended to `names`; `previous` is where
    /// the path of the one before it lies in `names` (empty for the first):
    /// version 4 compresses against it, and every path must sort after it.
    fn entry(&mut self, version: u32, previous: (u32, u32), names: &mut Vec<u8>) -> Option<Entry> {
        let start = self.at;
        let stat = self.take(STAT_LEN)?;
        let mode = u32::from_be_bytes(stat[24..28].try_into().ok()?);
        let file_size = u32::from_be_bytes(stat[36..40].try_into().ok()?);
        let oid: [u8; OID_LEN] = self.take(OID_LEN)?.try_into().ok()?;
        let flags = self.u16()?;
        if flags & FLAG_STAGE_MASK != 0 {
            return None; // unmerged: git refuses to commit anyway
        }
        if flags & FLAG_EXTENDED != 0 {
            if version < 3 {
                return None;
            }
            if self.u16()? & EXTENDED_INTENT_TO_ADD != 0 {
                return None;
            }
        }
        let (previous_start, previous_end) = (previous.0 as usize, previous.1 as usize);
        let start_of_path = names.len();
        if version == 4 {
            let strip = self.varint()?;
            let keep = (previous_end - previous_start).checked_sub(strip)?;
            names.extend_from_within(previous_start..previous_start + keep);
            names.extend_from_slice(self.until_nul()?);
        } else {
            names.extend_from_slice(self.until_nul()?);
            // Entries are NUL-padded to a multiple of eight bytes.
            let len = self.at - start;
            self.take((8 - len % 8) % 8)?;
        }
        let (path, previous) = (
            &names[start_of_path..],
            &names[previous_start..previous_end],
        );
        // A sparse directory entry (`sdir`) or an unsorted file.
        if mode == 0o040000 || (!previous.is_empty() && path <= previous) {
            return None;
        }
        Some(Entry {
            name: (
                u32::try_from(start_of_path).ok()?,
                u32::try_from(names.len()).ok()?,
            ),
            mode,
            oid,
            file_size,
        })
    }

    /// The extensions up to the trailer: the cache tree when there is one;
    /// `None` for a required extension this reader does not know.
    fn extensions(&mut self, body_end: usize) -> Option<CacheTree> {
        let mut cache_tree = HashMap::new();
        while self.at < body_end {
            let signature: [u8; 4] = self.take(4)?.try_into().ok()?;
            let size = self.u32()? as usize;
            if size > body_end - self.at {
                return None;
            }
            let data = self.take(size)?;
            match &signature {
                b"TREE" => cache_tree = parse_cache_tree(data)?,
                // Optional extensions start with an upper-case letter; a
                // required one (split index `link`, sparse `sdir`, or one
                // from the future) changes what the entries mean.
                [first, ..] if first.is_ascii_uppercase() => {}
                _ => return None,
            }
        }
        (self.at == body_end).then_some(cache_tree)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn until_nul(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.at..)?;
        let len = memchr::memchr(0, rest)?;
        self.at += len + 1;
        Some(&rest[..len])
    }

    /// git's offset varint (index v4 path prefixes).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = *self.take(1)?.first()?;
            value = value
                .checked_add(1)?
                .checked_mul(128)?
                .checked_add(usize::from(byte & 0x7f))?;
        }
        Some(value)
    }

    /// A decimal number, possibly negative, ended by `end`.
    fn ascii_number(&mut self, end: u8) -> Option<i64> {
        let rest = self.bytes.get(self.at..)?;
        let len = rest.iter().position(|&b| b == end)?;
        self.at += len + 1;
        std::str::from_utf8(&rest[..len]).ok()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_an_index() {
        assert!(IndexFile::parse(b"").is_none());
        assert!(IndexFile::parse(b"DIRC").is_none());
        let mut header = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
        header.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(&header).is_none(), "count beyond the file");
        let mut empty = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        empty.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(&empty).is_some_and(|i| i.entries.is_empty()));
        let mut future = b"DIRC\0\0\0\x05\0\0\0\0".to_vec();
        future.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(&future).is_none(), "unknown version");
    }

    #[test]
    fn required_extensions_are_declined() {
        let mut with = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        with.extend_from_slice(b"link\0\0\0\x00");
        with.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(&with).is_none());
        let mut optional = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        optional.extend_from_slice(b"UNTR\0\0\0\x02ab");
        optional.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(&optional).is_some());
    }

    #[test]
    fn cache_tree_paths_nest() {
        let oid = [7u8; OID_LEN];
        let mut data = Vec::new();
        data.extend_from_slice(b"\x003 2\n");
        data.extend_from_slice(&oid);
        data.extend_from_slice(b"a\0-1 1\n");
        data.extend_from_slice(b"b\x001 0\n");
        data.extend_from_slice(&oid);
        data.extend_from_slice(b"c\x001 0\n");
        data.extend_from_slice(&oid);
        let tree = parse_cache_tree(&data).expect("well formed");
        assert_eq!(tree.get(b"".as_slice()), Some(&(3, oid)));
        assert!(!tree.contains_key(b"a".as_slice()), "invalidated node");
        assert_eq!(tree.get(b"a/b".as_slice()), Some(&(1, oid)));
        assert_eq!(tree.get(b"c".as_slice()), Some(&(1, oid)));
        assert!(parse_cache_tree(b"x\x001 0\n").is_none(), "missing id");
    }

    #[test]
    fn varint_matches_git() {
        // git encodes 128 as 0x80 0x00 (each continuation adds one).
        let mut r = Reader {
            bytes: &[0x80, 0x00, 0x05],
            at: 0,
        };
        assert_eq!(r.varint(), Some(128));
        assert_eq!(r.varint(), Some(5));
        assert_eq!(r.varint(), None);
    }
}
