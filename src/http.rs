//! The HTTP shapes shared by the API layer and the transports: method, request, response.

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read.
    Get,
    /// Create.
    Post,
    /// Partial update.
    Patch,
    /// Delete.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending the request twice has the same effect as once, so a retry is safe.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Delete)
    }
}

/// A request as it goes on the wire; the transport adds origin and credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: Method,
    /// Path and encoded query, e.g. `/api/v4/sources?filter%5Bexternal_id%5D=a`.
    pub path_and_query: String,
    /// JSON body text.
    pub body: Option<String>,
}

/// A response as it came off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// `Retry-After` header.
    pub retry_after: Option<String>,
    /// Raw body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a body of the given content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: None,
            body: body.into(),
        }
    }

    /// A success answer with a HAL JSON body.
    pub fn hal(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/hal+json", body)
    }

    /// An error answer with a problem+json body.
    pub fn problem(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, "application/problem+json", body)
    }

    /// An answer without a body, such as 204.
    pub fn empty(status: u16) -> Self {
        HttpResponse {
            status,
            content_type: None,
            retry_after: None,
            body: Vec::new(),
        }
    }

    /// The same response with a `Retry-After` header.
    pub fn with_retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_owned());
        self
    }
}
