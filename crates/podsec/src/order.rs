//! Stable sorting by an integer key through one instance of the standard library's sort.
//!
//! `slice::sort_by_key` is generic over the element and the key, so each call site with its own
//! types adds a copy of the sort to the playground's wasm (about 3 KiB each). [`sort_by_key`]
//! sorts `(key, position)` pairs instead, the same type at every call site, and then moves the
//! elements into that order in place: ties keep their order, as with `sort_by_key`.

/// Sorts `v` by `key`, stably, in O(n log n), with 16 bytes per element besides `v` itself.
pub fn sort_by_key<T>(v: &mut [T], key: impl Fn(&T) -> u64) {
    let mut order: Vec<(u64, usize)> = v.iter().map(key).zip(0..).collect();
    sort_pairs(&mut order);
    // Position `k` takes the element now at `from[k]`; each cycle of that permutation is walked
    // once with swaps, the element of its first position carried along, and each position
    // marked placed (`from[k] = k`) as it is filled.
    let mut from: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
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

/// The one sort every [`sort_by_key`] shares: the positions make every pair distinct, so an
/// unstable sort gives the stable order.
#[inline(never)]
fn sort_pairs(order: &mut [(u64, usize)]) {
    order.sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::sort_by_key;

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
            sort_by_key(&mut v, |x| x.0);
            assert_eq!(v, expected, "length {len}");
        }
    }
}
