//! Loading and durably saving the state file.

use crate::store::Store;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// Reads the state file; `Ok(None)` when it does not exist yet.
pub fn load(path: &Path) -> Result<Option<Store>, String> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("state file {} is not valid: {e}", path.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read state file {}: {e}", path.display())),
    }
}

/// Writes the store so that a crash leaves either the old or the new file, never a torn one:
/// a temporary file in the same folder, fsync, rename over the target, fsync the folder.
pub fn save(path: &Path, store: &Store) -> io::Result<()> {
    let bytes = serde_json::to_vec_pretty(store).map_err(io::Error::other)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("state path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // The rename itself is durable only once the folder is synced.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_missing_and_garbage() {
        let dir = std::env::temp_dir().join(format!("sandbox-persist-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let _ = fs::remove_file(&path);
        assert_eq!(load(&path).unwrap(), None);
        let store = Store::initial(
            &["t".into()],
            crate::store::Seed {
                demo: true,
                install_source: false,
            },
        );
        save(&path, &store).unwrap();
        assert_eq!(load(&path).unwrap().as_ref(), Some(&store));
        // A file from before leads existed loads with none, and lead ids start afresh.
        let mut old = serde_json::to_value(&store).unwrap();
        let fields = old.as_object_mut().unwrap();
        assert!(fields.remove("leads").is_some() && fields.remove("next_lead_id").is_some());
        fs::write(&path, old.to_string()).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert!(loaded.leads.is_empty());
        assert_eq!(loaded.integrations, store.integrations);
        assert_eq!(
            loaded.next_lead_id,
            Store::initial(&[], Default::default()).next_lead_id
        );
        fs::write(&path, b"{not json").unwrap();
        assert!(load(&path).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
