//! An in-memory transport and a clock for tests: scripted answers, recorded requests, fake
//! time. Built for this crate's tests and, with the `test-support` feature, for others'.
//!
//! Both are cheap handles (`Clone` shares state), so a test can keep one copy to script and
//! inspect while the client owns another.

use super::{HttpRequest, HttpResponse, LocalBoxFuture, Sleeper, Transport, TransportError};
use core::cell::{Cell, RefCell};
use core::future::ready;
use core::time::Duration;
use std::collections::VecDeque;
use std::rc::Rc;

/// A clock that only moves when something sleeps on it, so waits take no real time.
#[derive(Debug, Clone, Default)]
pub struct FakeClock {
    /// Current fake time.
    now: Rc<Cell<Duration>>,
    /// Every sleep requested, in order.
    sleeps: Rc<RefCell<Vec<Duration>>>,
}

impl FakeClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward without anyone sleeping.
    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.borrow().clone()
    }
}

impl Sleeper for FakeClock {
    fn now(&self) -> Duration {
        self.now.get()
    }

    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        self.sleeps.borrow_mut().push(duration);
        self.advance(duration);
        Box::pin(ready(()))
    }
}

/// A request the transport received, with the fake time it arrived at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The request as sent.
    pub request: HttpRequest,
    /// The clock's time when it was sent (zero without a clock).
    pub at: Duration,
}

/// A transport that answers from a script, in order, and records every request.
///
/// When the script runs out it answers with a network error, so a test that sends more
/// requests than it expected fails visibly.
#[derive(Debug, Clone, Default)]
pub struct ScriptedTransport {
    /// Answers still to give.
    script: Rc<RefCell<VecDeque<Result<HttpResponse, TransportError>>>>,
    /// Requests received.
    log: Rc<RefCell<Vec<Recorded>>>,
    /// Clock that stamps requests.
    clock: Option<FakeClock>,
}

impl ScriptedTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty script whose requests are stamped with `clock`'s time.
    pub fn with_clock(clock: FakeClock) -> Self {
        ScriptedTransport {
            clock: Some(clock),
            ..Self::default()
        }
    }

    /// Queues an answer.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.script.borrow_mut().push_back(Ok(response));
        self
    }

    /// Queues a failure to answer.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.script.borrow_mut().push_back(Err(error));
        self
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.borrow().clone()
    }

    /// How many answers are still queued.
    pub fn remaining(&self) -> usize {
        self.script.borrow().len()
    }
}

impl Transport for ScriptedTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let at = self.clock.as_ref().map(Sleeper::now).unwrap_or_default();
        self.log.borrow_mut().push(Recorded { request: req, at });
        let answer = self.script.borrow_mut().pop_front().unwrap_or_else(|| {
            Err(TransportError::Network(
                "the scripted transport has no answer left".to_owned(),
            ))
        });
        Box::pin(ready(answer))
    }
}
