//! Typed stubs for the spec-derived mock server (the `mock` feature).
//!
//! A generated connector gets a `mock` module when this feature is on: `mock::start()` serves
//! the connector's spec on loopback, and `mock::Stubs::new(&server)` has one method per
//! operation returning an [`OperationStub`], whose `responds` takes the operation's own success
//! type — so a test cannot script a response the client could not decode.

use std::marker::PhantomData;

pub use conductor_mock::{Coverage, MockError, MockServer, ReceivedRequest, StubResponse};
use serde::Serialize;

use crate::operation::Operation;

/// Scripts the responses of one operation with its typed bodies.
pub struct OperationStub<'a, O> {
    server: &'a MockServer,
    operation: &'static str,
    success_status: u16,
    target: PhantomData<fn() -> O>,
}

impl<'a, O: Operation> OperationStub<'a, O> {
    /// A stub for `O` on `server`; `success_status` is the spec's first 2xx.
    #[doc(hidden)]
    pub fn new(server: &'a MockServer, success_status: u16) -> Self {
        Self {
            server,
            operation: O::SPEC.id,
            success_status,
            target: PhantomData,
        }
    }

    /// Answers the next call (and, if it is the last scripted, every later one) with `body`
    /// and the documented success status.
    pub fn responds(self, body: O::Output) -> Self
    where
        O::Output: Serialize,
    {
        let response = match serde_json::to_value(&body) {
            Ok(serde_json::Value::Null) => StubResponse::status(self.success_status),
            Ok(value) => StubResponse::json(self.success_status, &value),
            Err(err) => StubResponse::json(500, &serde_json::json!({"stub_error": err.to_string()})),
        };
        self.raw(response)
    }

    /// Answers with `status` and a documented error body.
    pub fn fails(self, status: u16, body: O::ErrorBody) -> Self
    where
        O::ErrorBody: Serialize,
    {
        let response = match serde_json::to_value(&body) {
            Ok(serde_json::Value::Null) => StubResponse::status(status),
            Ok(value) => StubResponse::json(status, &value),
            Err(err) => StubResponse::json(500, &serde_json::json!({"stub_error": err.to_string()})),
        };
        self.raw(response)
    }

    /// Answers with any scripted response (faults, headers, sequences).
    pub fn raw(self, response: StubResponse) -> Self {
        self.server.stub_operation(self.operation, response);
        self
    }

    /// The requests the server routed to this operation so far.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.server.received_by(self.operation)
    }
}
