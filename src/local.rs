//! Statics with one value per thread that also build without std: `thread_local!` natively
//! (tests run on many threads), a plain static on wasm32, where the module has one thread.

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the widget's statics assume one thread: build without the atomics feature");

/// A value for the only thread there is, read through `with` as a `LocalKey` is.
#[cfg(target_arch = "wasm32")]
pub struct Local<T>(pub T);

// SAFETY: wasm32 without atomics runs on one thread, so no two threads ever see the value.
#[cfg(target_arch = "wasm32")]
unsafe impl<T> Sync for Local<T> {}

#[cfg(target_arch = "wasm32")]
impl<T> Local<T> {
    /// Calls `f` with the value.
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

/// `local! { static NAME: Type = const initialiser; ... }`, used like `thread_local!`.
macro_rules! local {
    ($($(#[$m:meta])* static $name:ident: $t:ty = $init:expr;)*) => {$(
        #[cfg(target_arch = "wasm32")]
        $(#[$m])*
        static $name: $crate::local::Local<$t> = $crate::local::Local($init);
        #[cfg(not(target_arch = "wasm32"))]
        std::thread_local! { $(#[$m])* static $name: $t = const { $init }; }
    )*};
}
pub(crate) use local;
