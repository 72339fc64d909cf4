//! Stable sorting through one instantiation of the standard sort: every list is sorted as
//! a list of its indices with a comparator behind a reference, so the module carries the
//! sort's code once instead of once per element type (about 3 KB each).

use std::cmp::Ordering;

/// The order of `n` items by `cmp` (stable), as their indices.
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Sorts `v` by `cmp`, keeping equal items in their order.
pub fn stable_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let idx = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut items: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(idx.into_iter().filter_map(|i| items[i].take()));
}

/// Sorts `v` by the key `key` gives each item, keeping equal items in their order.
pub fn stable_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    stable_by(v, |a, b| key(a).cmp(&key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        stable_by_key(&mut v, |x| x.0);
        assert_eq!(v, vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        stable_by(&mut v, |a, b| b.0.cmp(&a.0));
        assert_eq!(v, vec![(2, 'a'), (2, 'c'), (1, 'b'), (1, 'd'), (0, 'e')]);
        let mut empty: Vec<u8> = Vec::new();
        stable_by_key(&mut empty, |x| *x);
        assert!(empty.is_empty());
    }
}
