//! How every part of an index is held: built in memory, or read from a saved index (`saved`).
//! Its own module so that `index` and `pairs` (which `index` uses) both name it without `pairs`
//! importing `index`.

use std::borrow::Cow;

/// Read-only storage of a part of an index: built in memory, or read from a saved index
/// (`saved`).
pub type Store<T> = Cow<'static, [T]>;
