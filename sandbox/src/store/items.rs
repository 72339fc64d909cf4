//! What the batch operations share: the batch's size, each item as an object, errors
//! grouped by item, and the field errors more than one operation gives.

use super::MAX_BATCH;
use crate::rules::{self, FieldError, ItemErrors, OpError};
use serde_json::{Map, Value};

/// Refuses an empty batch and one over [`MAX_BATCH`] items, as a whole.
pub(crate) fn check_batch(items: &[Value]) -> Result<(), OpError> {
    if items.is_empty() {
        return Err(OpError::Request("Request data can not be empty".into()));
    }
    if items.len() > MAX_BATCH {
        return Err(OpError::Request(format!(
            "At most {MAX_BATCH} items per request, got {}",
            items.len()
        )));
    }
    Ok(())
}

/// The item as an object, or an `InvalidType` error on it.
pub(crate) fn as_item<'a>(
    item: &'a Value,
    errors: &mut Vec<FieldError>,
) -> Option<&'a Map<String, Value>> {
    match item {
        Value::Object(obj) => Some(obj),
        _ => {
            errors.push(FieldError::new(
                rules::INVALID_TYPE,
                "",
                "each item must be a JSON object",
            ));
            None
        }
    }
}

/// The errors of item `index`, under its request_id or its position.
pub(crate) fn group(
    index: usize,
    request_id: Option<String>,
    errors: Vec<FieldError>,
) -> ItemErrors {
    ItemErrors {
        request_id: request_id.unwrap_or_else(|| index.to_string()),
        errors,
    }
}

/// The error of a second item made the default in one request.
pub(super) fn second_default() -> FieldError {
    FieldError::new(
        rules::DUPLICATE,
        "default",
        "only one source in a request may be made the default",
    )
}

/// The error of an item naming a source the integration does not have.
pub(super) fn not_found(id: u64) -> FieldError {
    FieldError::new(rules::NOT_FOUND, "id", format!("source {id} not found"))
}
