//! Hooks around each attempt, so users can add headers, logging or caching without forking.
//!
//! [`Hook::before_request`] runs before each attempt (after credentials are applied, before
//! the rate limiter) and may change the headers or answer the request itself (a cache hit:
//! nothing is sent). [`Hook::after_response`] sees every response that came from the server.
//! Hooks see the request's headers, credentials included: a hook that logs must leave out
//! `Authorization` and any API-key header.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::spec::HttpMethod;

/// The request of one attempt, as a hook sees it.
#[derive(Debug)]
pub struct HookRequest<'a> {
    pub(crate) operation: &'static str,
    pub(crate) method: HttpMethod,
    pub(crate) path_template: &'static str,
    pub(crate) url: &'a str,
    pub(crate) attempt: u32,
    pub(crate) headers: &'a mut HeaderMap,
}

impl HookRequest<'_> {
    /// The `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The method.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// The path template, e.g. `/pets/{petId}`.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The URL, with API-key query parameters redacted.
    pub fn url(&self) -> &str {
        self.url
    }

    /// The attempt number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The request headers, to add or change one.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }
}

/// A response, from the server or from a hook.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HookResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl HookResponse {
    /// A response with `status`, `headers` and `body`.
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }
}

/// What a hook learns about an attempt that got a response.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptInfo<'a> {
    /// The `operationId`.
    pub operation: &'static str,
    /// The method.
    pub method: HttpMethod,
    /// The URL, with API-key query parameters redacted.
    pub url: &'a str,
    /// The attempt number, from 1.
    pub attempt: u32,
    /// How long the attempt took, from sending to the whole body read.
    pub latency: Duration,
}

/// Code that runs around every attempt. Both methods do nothing by default.
pub trait Hook: Send + Sync + 'static {
    /// Runs before an attempt is sent. Return a response to answer the attempt without
    /// sending it (a cache hit).
    fn before_request(&self, request: &mut HookRequest<'_>) -> Option<HookResponse> {
        let _ = request;
        None
    }

    /// Runs after a response came back from the server.
    fn after_response(&self, attempt: &AttemptInfo<'_>, response: &HookResponse) {
        let _ = (attempt, response);
    }
}

/// A shared hook, so the caller can keep a handle to it (to read what it recorded).
impl<H: Hook> Hook for std::sync::Arc<H> {
    fn before_request(&self, request: &mut HookRequest<'_>) -> Option<HookResponse> {
        (**self).before_request(request)
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, response: &HookResponse) {
        (**self).after_response(attempt, response);
    }
}
