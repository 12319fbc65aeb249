//! Stable sorting through two shared instances of the standard library's sort.
//!
//! `slice::sort_by_key` and `slice::sort_by` are generic over the element and the key or
//! comparison, so each call site with its own types adds a copy of the sort to the playground's
//! wasm (about 3 KiB each; fifteen call sites held 49 KiB of sort code). [`sort_by_key`] sorts
//! `(key, position)` pairs instead, and [`sort_by`] sorts positions through a comparison behind a
//! `dyn` reference: the same types at every call site. Both then move the elements into that
//! order in place, ties in their order, as the standard stable sorts leave them.

use std::cmp::Ordering;

/// Sorts `v` by `key`, stably, in O(n log n), with 16 bytes per element besides `v` itself.
pub fn sort_by_key<T>(v: &mut [T], key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, usize)> = v.iter().map(key).zip(0..).collect();
    sort_pairs(&mut order);
    permute(v, order.into_iter().map(|(_, i)| i).collect());
}

/// Sorts `v` stably by `cmp`, in O(n log n) comparisons, with 8 bytes per element besides `v`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let v = &*v;
        sort_positions(&mut order, &mut |a, b| match (v.get(a), v.get(b)) {
            (Some(x), Some(y)) => cmp(x, y).then(a.cmp(&b)),
            _ => a.cmp(&b),
        });
    }
    permute(v, order);
}

/// Sorts `v` in its own order ([`Ord`]), stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Moves the elements of `v` so that position `k` holds the element that was at `from[k]`
/// (`from` a permutation of `0..v.len()`): each cycle of the permutation is walked once with
/// swaps, the element of its first position carried along, and each position marked placed
/// (`from[k] = k`) as it is filled.
fn permute<T>(v: &mut [T], mut from: Vec<usize>) {
    for start in 0..from.len() {
        let mut at = start;
        while let Some(&src) = from.get(at) {
            if let Some(f) = from.get_mut(at) {
                *f = at;
            }
            if src == start || src == at {
                break;
            }
            v.swap(at, src);
            at = src;
        }
    }
}

/// The one sort every [`sort_by`] shares: the comparison breaks ties by position, so an unstable
/// sort gives the stable order.
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_unstable_by(|&a, &b| cmp(a, b));
}

/// The one sort every [`sort_by_key`] shares: the positions make every pair distinct, so an
/// unstable sort gives the stable order.
#[inline(never)]
fn sort_pairs(order: &mut [(u64, usize)]) {
    order.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::{sort, sort_by, sort_by_key};

    #[test]
    fn sorts_by_the_key_and_keeps_ties_in_order() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (3, 'f')];
        let mut expected = v.clone();
        expected.sort_by_key(|x| x.0);
        sort_by_key(&mut v, |x| x.0);
        assert_eq!(v, expected);
        assert_eq!(
            v.iter().map(|x| x.1).collect::<String>(),
            "dbeacf",
            "ties keep their order"
        );
    }

    #[test]
    fn agrees_with_the_standard_sort_on_many_orders() {
        // A simple generator: every length up to 40, keys with many ties.
        let mut seed = 7u64;
        for len in 0..40 {
            let mut v: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    ((seed >> 33) % 5, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|x| x.0);
            let mut by = v.clone();
            sort_by(&mut by, |a, b| b.0.cmp(&a.0));
            let mut whole = v.clone();
            sort_by_key(&mut v, |x| x.0);
            assert_eq!(v, expected, "length {len}");
            expected.sort_by_key(|x| std::cmp::Reverse(x.0));
            assert_eq!(by, expected, "length {len}, descending");
            sort(&mut whole);
            expected.sort();
            assert_eq!(whole, expected, "length {len}, whole");
        }
    }
}
