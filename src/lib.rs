//! Manage a Kommo integration's lead sources: the Sources API core and the widget.
