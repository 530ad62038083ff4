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
use std::ops::Deref;
use std::path::Path;

/// Length of a SHA-1 object id; SHA-256 repositories are refused earlier.
const OID_LEN: usize = 20;
/// Bytes of fixed-size stat data before the object id in an entry.
const STAT_LEN: usize = 40;
/// The trailing checksum of the file.
const TRAILER_LEN: usize = OID_LEN;
/// Stat data, object id and flags: what every entry starts with.
const FIXED_LEN: usize = STAT_LEN + OID_LEN + 2;

const FLAG_EXTENDED: u16 = 0x4000;
const FLAG_STAGE_MASK: u16 = 0x3000;
/// The path length in the flags; this value says "this long or longer".
const FLAG_NAME_MASK: u16 = 0x0fff;
const EXTENDED_INTENT_TO_ADD: u16 = 0x2000;

/// Valid cache-tree nodes: directory path (no trailing slash, `""` for the
/// root) to the number of index entries below it and its tree id.
pub type CacheTree = HashMap<Vec<u8>, (usize, [u8; OID_LEN])>;

/// The index file's bytes: mapped, as git reads it (a read into memory
/// copied 12 MB and touched every page of a fresh buffer in a
/// 100,000-entry index), or read whole where mapping fails.
#[derive(Debug)]
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Read(bytes) => bytes,
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Bytes {
        Bytes::Read(bytes)
    }
}

/// One stage-0 entry: what the next commit will record for its path. Its
/// fields are read from the file when asked for ([`IndexFile::path`],
/// [`IndexFile::oid`], [`IndexFile::mode`]): a hook needs them for the few
/// directories that changed, not for every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Where the entry starts in the file.
    at: u32,
    /// Where the path lies: in the file (versions 2 and 3) or in
    /// [`IndexFile::names`] (version 4, whose paths are compressed).
    name: (u32, u32),
}

/// The parsed index: entries sorted by path as git keeps them, and the
/// valid cache-tree nodes.
#[derive(Debug)]
pub struct IndexFile {
    pub entries: Vec<Entry>,
    bytes: Bytes,
    /// Version 4's paths, expanded (versions 2 and 3: empty, the paths
    /// are read in place).
    names: Vec<u8>,
    expanded: bool,
    pub cache_tree: CacheTree,
}

impl IndexFile {
    /// Reads the index at `path`; `None` when it cannot be read, or when
    /// [`IndexFile::parse`] declines it.
    pub fn read(path: &Path) -> Option<IndexFile> {
        let file = std::fs::File::open(path).ok()?;
        // SAFETY: git replaces the index by renaming a new file over it and
        // never writes an index file in place, so the mapped file does not
        // change under the reader (git maps it the same way).
        let bytes = match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Bytes::Mapped(map),
            Err(_) => Bytes::Read(std::fs::read(path).ok()?),
        };
        IndexFile::parse(bytes)
    }

    /// Parses `bytes`; `None` when the file uses a feature this reader
    /// leaves to libgit2, or is not a well-formed index.
    pub fn parse(bytes: Bytes) -> Option<IndexFile> {
        let (entries, names, cache_tree) = parse_body(&bytes)?;
        Some(IndexFile {
            entries,
            bytes,
            expanded: !names.is_empty(),
            names,
            cache_tree,
        })
    }

    /// An entry's path.
    pub fn path(&self, entry: &Entry) -> &[u8] {
        let range = entry.name.0 as usize..entry.name.1 as usize;
        if self.expanded {
            &self.names[range]
        } else {
            &self.bytes[range]
        }
    }

    /// An entry's object id.
    pub fn oid(&self, entry: &Entry) -> &[u8] {
        let at = entry.at as usize + STAT_LEN;
        &self.bytes[at..at + OID_LEN]
    }

    /// An entry's raw mode.
    pub fn mode(&self, entry: &Entry) -> u32 {
        self.stat_word(entry, 24)
    }

    /// An entry's file size, as git recorded it (truncated to 32 bits).
    pub fn file_size(&self, entry: &Entry) -> u32 {
        self.stat_word(entry, 36)
    }

    fn stat_word(&self, entry: &Entry, offset: usize) -> u32 {
        let at = entry.at as usize + offset;
        let mut word = [0; 4];
        word.copy_from_slice(&self.bytes[at..at + 4]);
        u32::from_be_bytes(word)
    }

    /// The entry for `path`, if it is staged.
    pub fn get(&self, path: &[u8]) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.path(e).cmp(path))
            .ok()
            .map(|at| &self.entries[at])
    }
}

/// The entries, version 4's expanded paths and the cache tree of an index
/// file's bytes (see [`IndexFile::parse`]).
fn parse_body(bytes: &[u8]) -> Option<(Vec<Entry>, Vec<u8>, CacheTree)> {
    let mut reader = Reader { bytes, at: 0 };
    let (version, count) = reader.header()?;
    let body_end = bytes.len().checked_sub(TRAILER_LEN)?;
    // Every entry takes at least 62 bytes: a count beyond what the file
    // can hold is a corrupt header, not an allocation to attempt. Offsets
    // are kept as `u32`: an index of 4 GiB or more is left to libgit2.
    if count > body_end / FIXED_LEN || u32::try_from(bytes.len()).is_err() {
        return None;
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(count);
    let mut names = Vec::new();
    for _ in 0..count {
        let previous = entries.last().map_or((0, 0), |e| e.name);
        let entry = if version == 4 {
            reader.entry_v4(previous, &mut names)?
        } else {
            reader.entry(version, previous)?
        };
        entries.push(entry);
    }
    let cache_tree = reader.extensions(body_end)?;
    Some((entries, names, cache_tree))
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

/// The entry starting at `start` whose path (found at `path_start`) is
/// `path`; `None` for a sparse directory entry or a path that does not sort
/// after the one before it.
fn new_entry(
    start: usize,
    mode: u32,
    path: &[u8],
    previous: &[u8],
    path_start: usize,
) -> Option<Entry> {
    if mode == 0o040000 || (!previous.is_empty() && path <= previous) {
        return None;
    }
    // Offsets within a file, or version 4's names, of under 4 GiB (checked
    // by `parse_body` and `entry_v4`).
    Some(Entry {
        at: start as u32,
        name: (path_start as u32, (path_start + path.len()) as u32),
    })
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

    /// The fixed fields of one stage-0 entry: its start, mode and
    /// flags; `None` for an unmerged or intent-to-add entry.
    fn fixed(&mut self, version: u32) -> Option<(usize, u32, u16)> {
        let start = self.at;
        let fixed = self.take(FIXED_LEN)?;
        let mode = u32::from_be_bytes(fixed[24..28].try_into().ok()?);
        let flags = u16::from_be_bytes(fixed[STAT_LEN + OID_LEN..].try_into().ok()?);
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
        Some((start, mode, flags))
    }

    /// One stage-0 entry of a version 2 or 3 index, its path left in
    /// place; `previous` is where the path of the one before it lies
    /// (empty for the first): every path must sort after it.
    fn entry(&mut self, version: u32, previous: (u32, u32)) -> Option<Entry> {
        let (start, mode, flags) = self.fixed(version)?;
        let path_start = self.at;
        // The flags hold the path's length unless it is that long or
        // longer (as git reads it); the NUL after it is checked either way.
        let path = match flags & FLAG_NAME_MASK {
            FLAG_NAME_MASK => self.until_nul()?,
            len => {
                let path = self.take(usize::from(len))?;
                (self.take(1)? == [0]).then_some(path)?
            }
        };
        // Entries are NUL-padded to a multiple of eight bytes.
        let len = self.at - start;
        self.take((8 - len % 8) % 8)?;
        let previous = &self.bytes[previous.0 as usize..previous.1 as usize];
        new_entry(start, mode, path, previous, path_start)
    }

    /// One stage-0 entry of a version 4 index, its path expanded into
    /// `names` against the one before it (at `previous` there).
    fn entry_v4(&mut self, previous: (u32, u32), names: &mut Vec<u8>) -> Option<Entry> {
        let (start, mode, _) = self.fixed(4)?;
        let (previous_start, previous_end) = (previous.0 as usize, previous.1 as usize);
        let start_of_path = names.len();
        let strip = self.varint()?;
        let keep = (previous_end - previous_start).checked_sub(strip)?;
        names.extend_from_within(previous_start..previous_start + keep);
        names.extend_from_slice(self.until_nul()?);
        // Expanded paths may outgrow the file: kept under 4 GiB too.
        u32::try_from(names.len()).ok()?;
        let (path, previous) = (
            &names[start_of_path..],
            &names[previous_start..previous_end],
        );
        new_entry(start, mode, path, previous, start_of_path)
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
        assert!(IndexFile::parse(Vec::new().into()).is_none());
        assert!(IndexFile::parse(b"DIRC".to_vec().into()).is_none());
        let mut header = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
        header.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(
            IndexFile::parse(header.into()).is_none(),
            "count beyond the file"
        );
        let mut empty = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        empty.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(empty.into()).is_some_and(|i| i.entries.is_empty()));
        let mut future = b"DIRC\0\0\0\x05\0\0\0\0".to_vec();
        future.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(future.into()).is_none(), "unknown version");
    }

    #[test]
    fn required_extensions_are_declined() {
        let mut with = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        with.extend_from_slice(b"link\0\0\0\x00");
        with.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(with.into()).is_none());
        let mut optional = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        optional.extend_from_slice(b"UNTR\0\0\0\x02ab");
        optional.extend_from_slice(&[0; TRAILER_LEN]);
        assert!(IndexFile::parse(optional.into()).is_some());
    }

    /// A version 2 entry for `path` whose flags give `name_len` as its
    /// length, NUL-padded as git pads it.
    fn v2_entry(path: &[u8], name_len: u16, mode: u32, oid: u8) -> Vec<u8> {
        let mut entry = vec![0; STAT_LEN];
        entry[24..28].copy_from_slice(&mode.to_be_bytes());
        entry[36..40].copy_from_slice(&7u32.to_be_bytes());
        entry.extend_from_slice(&[oid; OID_LEN]);
        entry.extend_from_slice(&name_len.to_be_bytes());
        entry.extend_from_slice(path);
        entry.push(0);
        while entry.len() % 8 != 0 {
            entry.push(0);
        }
        entry
    }

    fn v2_index(entries: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = b"DIRC\0\0\0\x02".to_vec();
        bytes.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        entries.iter().for_each(|e| bytes.extend_from_slice(e));
        bytes.extend_from_slice(&[0; TRAILER_LEN]);
        bytes
    }

    #[test]
    fn paths_are_read_in_place_by_their_length_or_up_to_the_nul() {
        // git writes 0xfff as the length of a path that long or longer.
        let long = [b'b'; 5000];
        let bytes = v2_index(&[
            v2_entry(b"a.py", 4, 0o100644, 1),
            v2_entry(&long, FLAG_NAME_MASK, 0o100755, 2),
        ]);
        let index = IndexFile::parse(bytes.into()).expect("well formed");
        let [short, long_entry] = &index.entries[..] else {
            panic!("two entries: {:?}", index.entries);
        };
        assert_eq!(index.path(short), b"a.py");
        assert_eq!(index.path(long_entry), long.as_slice());
        assert_eq!(index.oid(long_entry), &[2; OID_LEN]);
        assert_eq!(index.mode(long_entry), 0o100755);
        assert_eq!(index.file_size(short), 7);
        assert_eq!(index.get(b"a.py"), Some(short));
        // A length that does not end at the NUL is a corrupt entry.
        let wrong = v2_index(&[v2_entry(b"abcd", 3, 0o100644, 1)]);
        assert!(IndexFile::parse(wrong.into()).is_none());
        let unsorted = v2_index(&[
            v2_entry(b"b.py", 4, 0o100644, 1),
            v2_entry(b"a.py", 4, 0o100644, 1),
        ]);
        assert!(IndexFile::parse(unsorted.into()).is_none());
    }

    #[test]
    fn a_mapped_index_reads_as_one_read_into_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        let bytes = v2_index(&[
            v2_entry(b"a/b.py", 6, 0o100644, 1),
            v2_entry(b"a/c.py", 6, 0o100644, 3),
        ]);
        std::fs::write(&path, &bytes).unwrap();
        let mapped = IndexFile::read(&path).expect("read");
        assert!(matches!(mapped.bytes, Bytes::Mapped(_)));
        let read = IndexFile::parse(bytes.into()).expect("parsed");
        let paths = |i: &IndexFile| -> Vec<Vec<u8>> {
            i.entries.iter().map(|e| i.path(e).to_vec()).collect()
        };
        assert_eq!(paths(&mapped), paths(&read));
        assert_eq!(paths(&mapped), vec![b"a/b.py".to_vec(), b"a/c.py".to_vec()]);
        assert!(IndexFile::read(&dir.path().join("missing")).is_none());
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
