//! Where a text's lines end, found 64 bytes at a time.
//!
//! Cutting texts into lines is the most repeated step of a history walk:
//! the line diff cuts both sides of every changed file, and the secret scan
//! numbers the lines of every new side. `memchr`'s iterator starts a new
//! search at every line (about 60 instructions a line of code); here one
//! pass compares 64 bytes at a time and walks the bits of the newlines it
//! finds, half the time a line.

/// Calls `each` with the offset of every `\n` in `text`, in order.
#[inline]
pub fn for_each(text: &[u8], mut each: impl FnMut(usize)) {
    let mut blocks = text.chunks_exact(BLOCK);
    let mut base = 0;
    for block in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
            each_bit(newline_mask(block), base, &mut each);
        }
        base += BLOCK;
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        // The last, partial block, padded with bytes that are not newlines.
        let mut block = [0u8; BLOCK];
        block[..rest.len()].copy_from_slice(rest);
        each_bit(newline_mask(&block), base, &mut each);
    }
}

/// Where each line of `text` starts (0, and just after every `\n`), then
/// `text.len() + 1`: line `i` is `text[starts[i]..starts[i + 1] - 1]`, its
/// newline left out, the last line included whether or not it ends in one.
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    // Lines of code average well over 16 bytes: one allocation for most.
    let mut starts = Vec::with_capacity(bytes.len() / 16 + 2);
    starts.push(0);
    for_each(bytes, |newline| starts.push(newline + 1));
    starts.push(text.len() + 1);
    starts
}

const BLOCK: usize = 64;

/// Calls `each` with `base` plus the place of every bit set in `mask`,
/// lowest first.
#[inline(always)]
fn each_bit(mut mask: u64, base: usize, each: &mut impl FnMut(usize)) {
    while mask != 0 {
        each(base + mask.trailing_zeros() as usize);
        mask &= mask - 1;
    }
}

/// Bit `i` set where `block[i]` is a newline.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn newline_mask(block: &[u8; BLOCK]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    let mut mask = 0u64;
    // SAFETY: SSE2 is part of every x86_64 processor; each unaligned load
    // reads 16 of the block's 64 bytes, at 0, 16, 32 and 48.
    unsafe {
        let newline = _mm_set1_epi8(b'\n' as i8);
        for quarter in 0..BLOCK / 16 {
            let bytes = _mm_loadu_si128(block.as_ptr().add(16 * quarter).cast());
            let found = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)) as u16;
            mask |= u64::from(found) << (16 * quarter);
        }
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn newline_mask(block: &[u8; BLOCK]) -> u64 {
    block
        .iter()
        .enumerate()
        .fold(0, |mask, (i, &b)| mask | (u64::from(b == b'\n') << i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_memchr(text: &[u8]) -> Vec<usize> {
        memchr::memchr_iter(b'\n', text).collect()
    }

    fn by_blocks(text: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        for_each(text, |at| found.push(at));
        found
    }

    #[test]
    fn every_newline_is_found_at_every_length_and_place() {
        // Every length across three blocks, newlines at block edges, runs
        // of newlines, and bytes that differ from '\n' by one bit.
        let mut text = Vec::new();
        for len in 0..200usize {
            text.clear();
            text.extend((0..len).map(|i| match i % 7 {
                0 if i % 3 == 0 => b'\n',
                1 => 0x0b,
                2 => 0x8a,
                3 if i % 64 == 63 || i % 64 == 0 => b'\n',
                _ => b'a' + (i % 26) as u8,
            }));
            assert_eq!(by_blocks(&text), by_memchr(&text), "length {len}");
        }
        let all = vec![b'\n'; 130];
        assert_eq!(by_blocks(&all), (0..130).collect::<Vec<_>>());
        assert!(by_blocks(&[0u8; 64]).is_empty());
    }

    #[test]
    fn random_texts_agree_with_memchr() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 33) as usize % 700;
            let text: Vec<u8> = (0..len)
                .map(|i| {
                    let r = (state >> (i % 50)) as u8 ^ (i as u8).wrapping_mul(31);
                    if r % 9 == 0 {
                        b'\n'
                    } else {
                        r
                    }
                })
                .collect();
            assert_eq!(by_blocks(&text), by_memchr(&text));
        }
    }

    #[test]
    fn line_starts_number_every_line_the_last_with_or_without_newline() {
        assert_eq!(line_starts(""), vec![0, 1]);
        assert_eq!(line_starts("a"), vec![0, 2]);
        assert_eq!(line_starts("a\n"), vec![0, 2, 3]);
        assert_eq!(line_starts("a\nbc\n\nd"), vec![0, 2, 5, 6, 8]);
        let long = "x = 1\n".repeat(40);
        let starts = line_starts(&long);
        assert_eq!(starts.len(), 42);
        assert!(starts[..41].iter().enumerate().all(|(i, &s)| s == 6 * i));
    }
}
