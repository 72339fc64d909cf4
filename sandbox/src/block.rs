//! Kommo's answer to repeated excess: an address that keeps being answered 429 is blocked,
//! and every API request from it gets 403 until the block ends.

use crate::faults::{slide, whole_secs};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The span in which 429 answers to one address are counted.
pub const WINDOW: Duration = Duration::from_secs(60);

/// The 429 answers of the last minute per address, and the blocks in force.
#[derive(Debug, Default)]
pub struct Blocker {
    limited: HashMap<IpAddr, VecDeque<Instant>>,
    until: HashMap<IpAddr, Instant>,
}

impl Blocker {
    /// The whole seconds (at least 1) left of `ip`'s block, when it is blocked at `now`.
    pub fn blocked(&mut self, ip: IpAddr, now: Instant) -> Option<u64> {
        let until = *self.until.get(&ip)?;
        if now >= until {
            self.until.remove(&ip);
            return None;
        }
        Some(whole_secs(until - now))
    }

    /// Notes a 429 answered to `ip`: the one that makes more than `after` within [`WINDOW`]
    /// blocks the address for `span`. With `after` 0 nothing is ever blocked.
    pub fn limited(&mut self, ip: IpAddr, after: u32, span: Duration, now: Instant) {
        if after == 0 {
            return;
        }
        let hits = self.limited.entry(ip).or_default();
        slide(hits, WINDOW, now);
        hits.push_back(now);
        if hits.len() > after as usize {
            hits.clear();
            self.until.insert(ip, now + span);
        }
    }

    /// Lifts every block and forgets every 429.
    pub fn clear(&mut self) {
        self.limited.clear();
        self.until.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    #[test]
    fn more_than_the_allowed_429s_in_a_minute_block_that_address_for_the_span() {
        let mut b = Blocker::default();
        let t = Instant::now();
        let span = Duration::from_secs(30);
        for i in 0..3 {
            b.limited(A, 3, span, t + Duration::from_secs(i));
            assert_eq!(b.blocked(A, t + Duration::from_secs(i)), None);
        }
        b.limited(A, 3, span, t + Duration::from_secs(3));
        assert_eq!(b.blocked(A, t + Duration::from_secs(3)), Some(30));
        assert_eq!(b.blocked(A, t + Duration::from_millis(32_500)), Some(1));
        assert_eq!(b.blocked(B, t + Duration::from_secs(4)), None);
        assert_eq!(b.blocked(A, t + Duration::from_secs(33)), None);
        // The count started again with the block.
        b.limited(A, 3, span, t + Duration::from_secs(34));
        assert_eq!(b.blocked(A, t + Duration::from_secs(34)), None);
    }

    #[test]
    fn spread_out_429s_never_block_and_zero_turns_blocking_off() {
        let mut b = Blocker::default();
        let t = Instant::now();
        for i in 0..10 {
            b.limited(A, 2, WINDOW, t + Duration::from_secs(31 * i));
        }
        assert_eq!(b.blocked(A, t + Duration::from_secs(300)), None);
        for _ in 0..100 {
            b.limited(B, 0, WINDOW, t);
        }
        assert_eq!(b.blocked(B, t), None);
        b.limited(A, 1, WINDOW, t);
        b.limited(A, 1, WINDOW, t);
        assert!(b.blocked(A, t).is_some());
        b.clear();
        assert_eq!(b.blocked(A, t), None);
    }
}
