//! Retrying after a failure: at the user's click, or when a 429's wait runs out.

use super::*;

/// Sends the failed call again, and whichever half of the first load is still missing.
pub(super) fn run(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some((job, call)) = s.retry.take() {
        s.banner = None;
        s.countdown = 0;
        send(s, fx, job, call);
    }
    // Both halves of the first load may have failed (a bad token fails both): a
    // retry brings back whichever is still missing.
    if s.load != Load::Ready && !s.running(|j| *j == Job::Sources) {
        send(s, fx, Job::Sources, Call::ListSources);
    }
    if !s.pipelines_ready && !s.running(|j| *j == Job::Pipelines) {
        send(s, fx, Job::Pipelines, Call::ListPipelines);
    }
}

/// One second of the 429 wait `g`; at its end the call is sent again.
pub(super) fn tick(s: &mut State, g: u32, fx: &mut Vec<Effect>) {
    s.countdown -= 1;
    if s.countdown > 0 {
        fx.push(Effect::After(Timer::Countdown(g), 1000));
    } else if let Some((job, call)) = s.retry.take() {
        s.banner = None;
        send(s, fx, job, call);
    }
}
