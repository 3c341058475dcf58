//! A fast hasher for the generator's own maps.
//!
//! The standard library's SipHash resists deliberate collisions, which the generator's maps
//! (names and type shapes of one spec, dropped after the expansion) do not need: a spec crafted
//! to collide could only make its own expansion slower. This is the word-at-a-time
//! multiply-rotate hash the Rust compiler uses for its own tables.

use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` keyed with [`FastHasher`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` keyed with [`FastHasher`].
pub(crate) type FastSet<T> = std::collections::HashSet<T, BuildHasherDefault<FastHasher>>;

/// Multiply-rotate over eight bytes at a time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last byte of a short word holds its length, so `a` and `a\0` differ.
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            word[7] = rest.len() as u8;
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_alike_and_different_ones_apart() {
        let mut map: FastMap<String, usize> = FastMap::default();
        let names: Vec<String> = (0..10_000)
            .map(|i| format!("#/components/schemas/Item{i}/properties/name"))
            .collect();
        for (i, name) in names.iter().enumerate() {
            map.insert(name.clone(), i);
        }
        assert_eq!(map.len(), names.len());
        assert!(names.iter().enumerate().all(|(i, name)| map.get(name) == Some(&i)));
        let hash = |bytes: &[u8]| {
            let mut hasher = FastHasher::default();
            hasher.write(bytes);
            hasher.finish()
        };
        assert_eq!(hash(b"created_at"), hash(b"created_at"));
        assert_ne!(hash(b"created_at"), hash(b"created_by"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
    }
}
