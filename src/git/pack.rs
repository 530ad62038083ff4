//! Blobs read straight from the repository's pack files, with a cache of
//! the objects that deltas are applied to, as git's own reader keeps one.
//!
//! A history walk reads each version of a file twice (as one commit's new
//! side and the next one's old side), and a pack stores most versions as a
//! delta against a neighbouring one. libgit2 caches only the object at the
//! bottom of a delta chain: every read applies the whole chain again,
//! copying the full text at each step. Here every object a read produces,
//! the intermediate ones included, is kept (least recently used first out,
//! within a byte budget), so the next version is one delta away.
//!
//! Objects are content-addressed, so what this reader finds is right
//! wherever it found it. Whatever it cannot read (a loose object, an index
//! of another version, a damaged entry) it leaves to libgit2, which reads it
//! or reports the error: a damaged pack still fails the check.
//!
//! Entries are inflated by zlib-rs (through flate2): on flask's history it
//! took 5-6 % off the whole walk's CPU against the system zlib, in
//! interleaved runs.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use flate2::{Decompress, FlushDecompress, Status};
use memmap2::{Mmap, UncheckedAdvice};

/// What the cache holds at most, per reader (one per worker thread). On
/// fastapi's history (measured on a busy machine, CPU user+sys): 2 MiB
/// cost a fifth more CPU than 8, 4 MiB a tenth; 16 MiB saved nothing and
/// added 20 MiB to the peak.
const CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Objects larger than this are left to libgit2 (and to the size limits
/// of the caller, which judges them without reading them as text).
const LARGEST_OBJECT: u64 = 256 * 1024 * 1024;

/// A delta chain longer than this is taken for a loop in a damaged pack.
const LONGEST_CHAIN: usize = 10_000;

/// An object's type, from its pack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
}

/// An object read from a pack: its type and its bytes (shared with the
/// cache).
pub(super) struct Object {
    pub kind: Kind,
    pub data: Arc<Vec<u8>>,
}

/// The pack files of one object directory.
pub(super) struct Packs {
    packs: Vec<Pack>,
    state: RefCell<State>,
}

struct State {
    cache: Cache,
    inflater: Decompress,
}

impl Packs {
    /// The packs under `objects_dir/pack` whose index this reader knows
    /// (version 2); the others are left to libgit2.
    pub fn open(objects_dir: &Path) -> Packs {
        let mut packs = Vec::new();
        if let Ok(entries) = std::fs::read_dir(objects_dir.join("pack")) {
            let mut names: Vec<_> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
                .collect();
            names.sort();
            packs.extend(names.iter().filter_map(|idx| Pack::open(idx)));
        }
        Packs {
            packs,
            state: RefCell::new(State {
                cache: Cache::default(),
                inflater: Decompress::new(true),
            }),
        }
    }

    /// The object `id` (20 bytes of SHA-1), or `None` when no pack here has
    /// it or its entry cannot be read: the caller then asks libgit2.
    pub fn read(&self, id: &[u8]) -> Option<Object> {
        let at = self.find(id)?;
        let mut state = self.state.borrow_mut();
        self.unpack(&mut state, at).ok()
    }

    fn find(&self, id: &[u8]) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(number, pack)| pack.offset_of(id).map(|offset| (number, offset)))
    }

    /// The object at `at`: the chain of deltas down to a stored object or a
    /// cached one, then each delta applied upwards, every result cached.
    fn unpack(&self, state: &mut State, at: (usize, u64)) -> Result<Object, Damaged> {
        let mut deltas = Vec::new();
        let mut here = at;
        let (kind, mut data) = loop {
            if let Some(hit) = state.cache.get(here) {
                break hit;
            }
            let pack = &self.packs[here.0];
            let entry = pack.entry(here.1)?;
            let base = match entry.kind {
                EntryKind::Whole(kind) => {
                    let data = Arc::new(pack.inflate(&mut state.inflater, &entry)?);
                    state.cache.put(here, kind, &data);
                    break (kind, data);
                }
                EntryKind::OffsetDelta(base) => (here.0, base),
                EntryKind::RefDelta(ref id) => self.find(id).ok_or(Damaged)?,
            };
            deltas.push((here, entry));
            if deltas.len() > LONGEST_CHAIN {
                return Err(Damaged);
            }
            here = base;
        };
        while let Some((at, entry)) = deltas.pop() {
            let delta = self.packs[at.0].inflate(&mut state.inflater, &entry)?;
            data = Arc::new(apply_delta(&data, &delta)?);
            state.cache.put(at, kind, &data);
        }
        Ok(Object { kind, data })
    }
}

/// An entry this reader could not read; libgit2 is asked instead.
#[derive(Debug)]
struct Damaged;

/// One pack file and its index, both mapped.
struct Pack {
    index: Mmap,
    pack: Mmap,
    /// Objects in the pack.
    count: usize,
    /// Compressed bytes read from the pack since its pages were last let go.
    read_since_trim: Cell<usize>,
}

/// How much of a pack is read before the pages touched are let go. Every
/// touched page of a mapping counts in the process's resident memory until
/// then (they stay in the page cache, and come back on the next touch):
/// a whole history touches most of fastapi's 150 MB pack.
const TRIM_AFTER_BYTES: usize = 1024 * 1024;

/// Where the tables of a version 2 index start.
const FANOUT_AT: usize = 8;
const NAMES_AT: usize = FANOUT_AT + 256 * 4;

impl Pack {
    fn open(idx_path: &Path) -> Option<Pack> {
        let index = map(idx_path)?;
        let pack = map(&idx_path.with_extension("pack"))?;
        if index.get(..8)? != b"\xfftOc\0\0\0\x02" || pack.get(..4)? != b"PACK" {
            return None;
        }
        let count = be32(&index, FANOUT_AT + 255 * 4)? as usize;
        // names, CRCs and offsets, then the two checksums
        let tables = NAMES_AT + count.checked_mul(28)? + 40;
        if index.len() < tables || be32(&pack, 8)? as usize != count {
            return None;
        }
        Some(Pack {
            index,
            pack,
            count,
            read_since_trim: Cell::new(0),
        })
    }

    /// The pack offset of object `id`, by binary search in its fan-out
    /// bucket.
    fn offset_of(&self, id: &[u8]) -> Option<u64> {
        let first = *id.first()? as usize;
        let low = match first {
            0 => 0,
            _ => be32(&self.index, FANOUT_AT + (first - 1) * 4)? as usize,
        };
        let high = (be32(&self.index, FANOUT_AT + first * 4)? as usize).min(self.count);
        let names = self.index.get(NAMES_AT..NAMES_AT + self.count * 20)?;
        let bucket = names.get(low * 20..high * 20)?;
        let found = low + binary_search(bucket, id)?;
        let offsets_at = NAMES_AT + self.count * 24;
        let small = be32(&self.index, offsets_at + found * 4)?;
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let large_at = offsets_at + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        let high = u64::from(be32(&self.index, large_at)?);
        let low = u64::from(be32(&self.index, large_at + 4)?);
        Some(high << 32 | low)
    }

    /// The entry header at `offset`.
    fn entry(&self, offset: u64) -> Result<Entry, Damaged> {
        let start = usize::try_from(offset).map_err(|_| Damaged)?;
        let bytes = self.pack.get(start..).ok_or(Damaged)?;
        let mut at = 0;
        let mut byte = *bytes.first().ok_or(Damaged)?;
        let type_bits = (byte >> 4) & 7;
        let mut size = u64::from(byte & 0x0f);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            at += 1;
            byte = *bytes.get(at).ok_or(Damaged)?;
            if shift > 57 {
                return Err(Damaged);
            }
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        at += 1;
        let kind = match type_bits {
            1 => EntryKind::Whole(Kind::Commit),
            2 => EntryKind::Whole(Kind::Tree),
            3 => EntryKind::Whole(Kind::Blob),
            4 => EntryKind::Whole(Kind::Tag),
            6 => {
                let (distance, used) = base_distance(bytes.get(at..).ok_or(Damaged)?)?;
                at += used;
                EntryKind::OffsetDelta(offset.checked_sub(distance).ok_or(Damaged)?)
            }
            7 => {
                let id = bytes.get(at..at + 20).ok_or(Damaged)?;
                at += 20;
                EntryKind::RefDelta(id.try_into().map_err(|_| Damaged)?)
            }
            _ => return Err(Damaged),
        };
        if size > LARGEST_OBJECT {
            return Err(Damaged);
        }
        Ok(Entry {
            kind,
            size: size as usize,
            data_at: start + at,
        })
    }

    /// The entry's data, inflated: exactly its recorded size.
    fn inflate(&self, inflater: &mut Decompress, entry: &Entry) -> Result<Vec<u8>, Damaged> {
        // The pack ends with a 20-byte checksum, which no entry's data
        // reaches into.
        let end = self.pack.len().saturating_sub(20);
        let input = self.pack.get(entry.data_at..end).ok_or(Damaged)?;
        let mut out = Vec::new();
        out.try_reserve_exact(entry.size + 1).map_err(|_| Damaged)?;
        inflater.reset(true);
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .map_err(|_| Damaged)?;
        if status != Status::StreamEnd || out.len() != entry.size {
            return Err(Damaged);
        }
        self.read(inflater.total_in() as usize);
        Ok(out)
    }
}

impl Pack {
    /// Counts `bytes` read from the pack, and lets the touched pages go
    /// when enough were read.
    fn read(&self, bytes: usize) {
        let read = self.read_since_trim.get() + bytes;
        if read < TRIM_AFTER_BYTES {
            self.read_since_trim.set(read);
            return;
        }
        self.read_since_trim.set(0);
        // SAFETY: the mapping is of a file opened read-only and shared:
        // pages let go are read again from the file (the page cache) on the
        // next touch, with the same bytes.
        let _ = unsafe { self.pack.unchecked_advise(UncheckedAdvice::DontNeed) };
    }
}

fn map(path: &Path) -> Option<Mmap> {
    let file = File::open(path).ok()?;
    // SAFETY: git never rewrites a pack or its index in place: it writes
    // new ones under new names and deletes old ones, and a deleted file
    // stays mapped until it is unmapped. A file truncated under us by
    // something else than git would stop the process (SIGBUS), which fails
    // the check rather than passing it.
    unsafe { Mmap::map(&file) }.ok()
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The place of `id` among the sorted 20-byte names of `names`.
fn binary_search(names: &[u8], id: &[u8]) -> Option<usize> {
    let (mut low, mut high) = (0, names.len() / 20);
    while low < high {
        let middle = (low + high) / 2;
        match names[middle * 20..middle * 20 + 20].cmp(id) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return Some(middle),
        }
    }
    None
}

/// The distance back to an offset delta's base, in git's encoding (each
/// continuation adds one before shifting), and the bytes it took.
fn base_distance(bytes: &[u8]) -> Result<(u64, usize), Damaged> {
    let mut at = 0;
    let mut byte = *bytes.first().ok_or(Damaged)?;
    let mut distance = u64::from(byte & 0x7f);
    while byte & 0x80 != 0 {
        at += 1;
        byte = *bytes.get(at).ok_or(Damaged)?;
        if distance >= 1 << 56 {
            return Err(Damaged);
        }
        distance = ((distance + 1) << 7) | u64::from(byte & 0x7f);
    }
    Ok((distance, at + 1))
}

struct Entry {
    kind: EntryKind,
    /// The inflated size of the entry's data (for a delta, of the delta).
    size: usize,
    data_at: usize,
}

enum EntryKind {
    Whole(Kind),
    /// A delta against the entry at this offset of the same pack.
    OffsetDelta(u64),
    /// A delta against the object with this id.
    RefDelta([u8; 20]),
}

/// A size in a delta's header: seven bits a byte, least significant first.
fn delta_size(delta: &[u8], at: &mut usize) -> Result<usize, Damaged> {
    let mut size = 0u64;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*at).ok_or(Damaged)?;
        *at += 1;
        if shift > 57 {
            return Err(Damaged);
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    if size > LARGEST_OBJECT {
        return Err(Damaged);
    }
    Ok(size as usize)
}

/// `base` with git's delta applied: copies from the base and inserted
/// bytes, which must come to the size the delta announces.
fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, Damaged> {
    let mut at = 0;
    if delta_size(delta, &mut at)? != base.len() {
        return Err(Damaged);
    }
    let size = delta_size(delta, &mut at)?;
    let mut out = Vec::new();
    out.try_reserve_exact(size).map_err(|_| Damaged)?;
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // a copy: which offset and size bytes follow is in the op's bits
            let mut field = |bits: u8, count: usize| -> Result<usize, Damaged> {
                let mut value = 0usize;
                for i in 0..count {
                    if bits & (1 << i) != 0 {
                        value |= usize::from(*delta.get(at).ok_or(Damaged)?) << (8 * i);
                        at += 1;
                    }
                }
                Ok(value)
            };
            let offset = field(op, 4)?;
            let length = match field(op >> 4, 3)? {
                0 => 0x10000,
                length => length,
            };
            let copied = base.get(offset..offset + length).ok_or(Damaged)?;
            out.extend_from_slice(copied);
        } else if op != 0 {
            let inserted = delta.get(at..at + usize::from(op)).ok_or(Damaged)?;
            out.extend_from_slice(inserted);
            at += usize::from(op);
        } else {
            return Err(Damaged);
        }
        if out.len() > size {
            return Err(Damaged);
        }
    }
    if out.len() != size {
        return Err(Damaged);
    }
    Ok(out)
}

/// Objects by pack and offset, the least recently used dropped first when
/// the budget is exceeded.
#[derive(Default)]
struct Cache {
    entries: HashMap<(usize, u64), Cached>,
    bytes: usize,
    clock: u64,
}

struct Cached {
    kind: Kind,
    data: Arc<Vec<u8>>,
    used: u64,
}

impl Cache {
    fn get(&mut self, at: (usize, u64)) -> Option<(Kind, Arc<Vec<u8>>)> {
        self.clock += 1;
        let entry = self.entries.get_mut(&at)?;
        entry.used = self.clock;
        Some((entry.kind, Arc::clone(&entry.data)))
    }

    fn put(&mut self, at: (usize, u64), kind: Kind, data: &Arc<Vec<u8>>) {
        if data.len() > CACHE_BYTES / 4 {
            return;
        }
        self.clock += 1;
        let entry = Cached {
            kind,
            data: Arc::clone(data),
            used: self.clock,
        };
        if let Some(old) = self.entries.insert(at, entry) {
            self.bytes -= old.data.len();
        }
        self.bytes += data.len();
        if self.bytes > CACHE_BYTES {
            self.shrink();
        }
    }

    /// Drops the least recently used entries until a quarter of the budget
    /// is free (in one pass, so that a full cache is not sorted at every
    /// insert).
    fn shrink(&mut self) {
        let mut by_use: Vec<(u64, (usize, u64))> = self
            .entries
            .iter()
            .map(|(&at, entry)| (entry.used, at))
            .collect();
        by_use.sort_unstable();
        for (_, at) in by_use {
            if self.bytes <= CACHE_BYTES / 4 * 3 {
                break;
            }
            if let Some(old) = self.entries.remove(&at) {
                self.bytes -= old.data.len();
            }
        }
    }
}

/// The reader against libgit2 on packs written by real git, and against
/// damaged input.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::staged::tests::git;
    use git2::{ObjectType, Repository};

    /// A file edited in many commits (growing, edited in the middle and at
    /// both ends, shrunk), a binary file and a tree of small files: deltas
    /// of deltas once repacked.
    fn history(dir: &Path) {
        git(dir, &["init", "-q", "-b", "main"]);
        let mut text: Vec<String> = (0..400)
            .map(|i| format!("line {i} of settings\n"))
            .collect();
        for round in 0..60usize {
            let at = (round * 37) % text.len();
            text[at] = format!("edited {round} at {at}\n");
            text.insert(round % 7, format!("TIMEOUT_{round} = {}\n", round * 3));
            if round % 9 == 0 {
                text.truncate(text.len() - 5);
            }
            std::fs::write(dir.join("settings.py"), text.concat()).unwrap();
            let binary: Vec<u8> = (0..3000u32)
                .map(|i| (i * 31 + round as u32) as u8)
                .collect();
            std::fs::write(dir.join("logo.bin"), binary).unwrap();
            std::fs::create_dir_all(dir.join("conf")).unwrap();
            std::fs::write(
                dir.join(format!("conf/{}.toml", round % 5)),
                format!("x = {round}\n"),
            )
            .unwrap();
            git(dir, &["add", "-A"]);
            git(dir, &["commit", "-q", "-m", &format!("round {round}")]);
        }
    }

    /// Every object of the repository, read by both readers: the packs must
    /// have all of them (nothing left loose), with libgit2's bytes.
    fn agree(dir: &Path) -> usize {
        let repo = Repository::open(dir).unwrap();
        let packs = Packs::open(&dir.join(".git/objects"));
        let odb = repo.odb().unwrap();
        let mut ids = Vec::new();
        odb.foreach(|id| {
            ids.push(*id);
            true
        })
        .unwrap();
        for id in &ids {
            let theirs = odb.read(*id).unwrap();
            let ours = packs
                .read(id.as_bytes())
                .expect("the packs hold every object");
            let kind = match theirs.kind() {
                ObjectType::Blob => Kind::Blob,
                ObjectType::Tree => Kind::Tree,
                ObjectType::Commit => Kind::Commit,
                _ => Kind::Tag,
            };
            assert_eq!(ours.kind, kind, "{id}");
            assert!(ours.data.as_slice() == theirs.data(), "{id} differs");
        }
        ids.len()
    }

    /// A temporary repository with `history`, repacked by `git repack`
    /// with `repack` (git options first when given).
    fn packed_history(repack: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        history(dir.path());
        git(dir.path(), repack);
        dir
    }

    #[test]
    fn deep_offset_delta_chains_read_as_libgit2_reads_them() {
        let dir = packed_history(&["repack", "-adf", "-q", "--depth=50", "--window=50"]);
        assert!(agree(dir.path()) > 180);
        // and again, each object now found in the cache or one delta away
        let packs = Packs::open(&dir.path().join(".git/objects"));
        let repo = Repository::open(dir.path()).unwrap();
        let head = repo.head().unwrap().peel_to_tree().unwrap();
        let id = head.get_name("settings.py").unwrap().id();
        let first = packs.read(id.as_bytes()).unwrap();
        let again = packs.read(id.as_bytes()).unwrap();
        assert!(
            Arc::ptr_eq(&first.data, &again.data),
            "the second read is the cached one"
        );
    }

    #[test]
    fn reference_deltas_and_several_packs_read_as_libgit2_reads_them() {
        let dir = packed_history(&[
            "-c",
            "repack.useDeltaBaseOffset=false",
            "repack",
            "-adf",
            "-q",
            "--depth=20",
        ]);
        std::fs::write(dir.path().join("settings.py"), "DEBUG = False\n").unwrap();
        git(dir.path(), &["commit", "-q", "-am", "more"]);
        git(dir.path(), &["repack", "-d", "-q"]);
        let packs = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "idx")
            .count();
        assert_eq!(packs, 2);
        assert!(agree(dir.path()) > 180);
    }

    #[test]
    fn loose_objects_and_damaged_entries_are_left_to_libgit2() {
        let dir = packed_history(&["repack", "-adf", "-q"]);
        std::fs::write(dir.path().join("new.txt"), "loose\n").unwrap();
        git(dir.path(), &["add", "new.txt"]);
        let repo = Repository::open(dir.path()).unwrap();
        let loose = repo
            .index()
            .unwrap()
            .get_path(Path::new("new.txt"), 0)
            .unwrap()
            .id;
        let packs = Packs::open(&dir.path().join(".git/objects"));
        assert!(packs.read(loose.as_bytes()).is_none());

        // a byte of a packed blob's compressed data changed: no answer
        // rather than a wrong one
        let blob = repo.head().unwrap().peel_to_tree().unwrap();
        let id = blob.get_name("logo.bin").unwrap().id();
        let (number, offset) = packs.find(id.as_bytes()).unwrap();
        let entry = packs.packs[number].entry(offset).unwrap();
        let pack_path = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().unwrap() == "pack")
            .unwrap();
        drop(packs);
        let mut bytes = std::fs::read(&pack_path).unwrap();
        bytes[entry.data_at + 4] ^= 0x55;
        let mut permissions = std::fs::metadata(&pack_path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&pack_path, permissions).unwrap();
        std::fs::write(&pack_path, bytes).unwrap();
        let packs = Packs::open(&dir.path().join(".git/objects"));
        assert!(packs.read(id.as_bytes()).is_none());
    }

    #[test]
    fn damaged_deltas_are_refused_without_panicking() {
        let base = b"0123456789abcdef";
        // source size 16, target size 6: copy 4 bytes from offset 2, insert "xy"
        let good = [16, 6, 0x91, 2, 4, 2, b'x', b'y'];
        assert_eq!(apply_delta(base, &good).unwrap(), b"2345xy");
        let bad: [&[u8]; 6] = [
            &[15, 6, 0x91, 2, 4, 2, b'x', b'y'],       // wrong source size
            &[16, 7, 0x91, 2, 4, 2, b'x', b'y'],       // wrong target size
            &[16, 6, 0x91, 14, 4, 2, b'x', b'y'],      // copy past the base
            &[16, 6, 0x91, 2, 4, 0],                   // reserved op
            &[16, 6, 0x91, 2, 4, 5, b'x'],             // insert past the end
            &[16, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // endless size
        ];
        for delta in bad {
            assert!(apply_delta(base, delta).is_err(), "{delta:?}");
        }
        // arbitrary bytes: an answer or a refusal, never a panic
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let len = (seed % 24) as usize;
            let delta: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 56) as u8
                })
                .collect();
            let _ = apply_delta(base, &delta);
            let _ = base_distance(&delta);
        }
    }

    #[test]
    fn the_cache_keeps_the_most_recent_within_its_budget() {
        let mut cache = Cache::default();
        let piece = Arc::new(vec![0u8; CACHE_BYTES / 8]);
        for offset in 0..40u64 {
            cache.put((0, offset), Kind::Blob, &piece);
            assert!(cache.bytes <= CACHE_BYTES);
            // the first entry, used at every step, is never the one dropped
            assert!(cache.get((0, 0)).is_some(), "after {offset}");
        }
        assert!(cache.get((0, 39)).is_some());
        assert!(cache.get((0, 1)).is_none());
        // an object over a quarter of the budget is not kept
        cache.put((1, 0), Kind::Blob, &Arc::new(vec![0u8; CACHE_BYTES / 2]));
        assert!(cache.get((1, 0)).is_none());
    }
}
