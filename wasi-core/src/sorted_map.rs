//! [`SortedMap`]: an ordered map kept as one sorted `Vec`, for the backends.
//!
//! Why not `BTreeMap`: each key/value pair of types instantiates several kilobytes of
//! B-tree code, and the npm package's wasm (shipped to every Worker) holds a dozen such
//! maps. A sorted `Vec` costs a binary search per lookup and a `memmove` per insert or
//! remove in the middle; inserting keys in increasing order (the common case: counters,
//! appended chunks) is a push. Fine for directories and tables up to tens of thousands
//! of entries, which is what a guest on the edge holds.

use alloc::vec::Vec;
use core::borrow::Borrow;

/// An ordered map over a sorted `Vec` of pairs.
#[derive(Debug, Clone)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        SortedMap { entries: Vec::new() }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        // Keys arriving in increasing order land at the end: check there first.
        match self.entries.last() {
            Some((last, _)) if last.borrow() < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)),
        }
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value for `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value for `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries with keys at or after `key`, in key order.
    pub fn range_from<Q: Ord + ?Sized>(&self, key: &Q) -> impl Iterator<Item = (&K, &V)>
    where
        K: Borrow<Q>,
    {
        let start = self.find(key).unwrap_or_else(|i| i);
        self.entries[start..].iter().map(|(k, v)| (k, v))
    }

    /// Removes and returns the entries with keys at or after `key`.
    pub fn split_off<Q: Ord + ?Sized>(&mut self, key: &Q) -> Vec<(K, V)>
    where
        K: Borrow<Q>,
    {
        let start = self.find(key).unwrap_or_else(|i| i);
        self.entries.split_off(start)
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;
    use alloc::vec::Vec;

    #[test]
    fn behaves_as_an_ordered_map() {
        let mut m = SortedMap::new();
        for k in [5u32, 1, 9, 3, 7] {
            assert_eq!(m.insert(k, k * 10), None);
        }
        assert_eq!(m.insert(3, 33), Some(30));
        assert_eq!(m.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [1, 3, 5, 7, 9]);
        assert_eq!(m.get(&3), Some(&33));
        assert_eq!(m.get(&4), None);
        assert!(m.contains_key(&9) && !m.contains_key(&10));
        *m.get_mut(&1).unwrap() += 1;
        assert_eq!(m.remove(&1), Some(11));
        assert_eq!(m.remove(&1), None);
        assert_eq!(m.range_from(&4).map(|(k, _)| *k).collect::<Vec<_>>(), [5, 7, 9]);
        assert_eq!(m.range_from(&5).map(|(k, _)| *k).collect::<Vec<_>>(), [5, 7, 9]);
        *m.get_or_insert_with(6, || 0) += 2;
        *m.get_or_insert_with(6, || 100) += 2;
        assert_eq!(m.get(&6), Some(&4));
        assert_eq!(m.split_off(&7), [(7, 70), (9, 90)]);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [33, 50, 4]);
        assert_eq!(m.len(), 3);
        assert!(!m.is_empty());
    }

    #[test]
    fn borrowed_keys_look_up() {
        let mut m: SortedMap<Vec<u8>, u8> = SortedMap::new();
        m.insert(b"b".to_vec(), 2);
        m.insert(b"a".to_vec(), 1);
        assert_eq!(m.get(&b"a"[..]), Some(&1));
        assert_eq!(m.remove(&b"b"[..]), Some(2));
    }
}
