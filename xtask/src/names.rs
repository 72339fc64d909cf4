//! Short import and export names in the shipped module and its glue.
//!
//! wasm-bindgen imports every JS function as `__wbg_<name>_<16 hex digits>` from the module
//! `./widget_bg.js`, and inline JS from a `./snippets/<crate>-<hash>/inline0.js` path: about
//! 50 bytes of names per import, hashes that gzip cannot shrink. Its own exports
//! (`__wbindgen_malloc`, `wasm_bindgen__convert__closures_____invoke__h<hash>`, ...) are as
//! long. The build renames them to one or two letters in the `.wasm` and in the glue, which
//! alone pairs them: the object it hands to `WebAssembly.instantiate`, and its `wasm.<export>`
//! calls. Every name the glue must contain is checked, so a glue of another shape stops the
//! build instead of shipping a module that cannot link. The exports a page may use (`memory`,
//! `mount`, ...) keep their names.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::build::{byte, leb};
use crate::cmd::Result;

/// The module wasm-bindgen's own imports come from.
const GLUE_MODULE: &str = "./widget_bg.js";

/// The import section's id.
const IMPORT: u8 = 2;
/// The export section's id.
const EXPORT: u8 = 7;

/// One import: module, field and the rest of its entry (kind and type), kept as bytes.
struct Import {
    module: String,
    field: String,
    desc: Vec<u8>,
}

/// Renames the imports of `wasm` and the matching keys of `glue` in place; returns how many
/// bytes the module lost.
pub fn shorten(wasm: &Path, glue: &Path) -> Result<usize> {
    let module = fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let js =
        fs::read_to_string(glue).map_err(|e| format!("cannot read {}: {e}", glue.display()))?;
    let (short, js) = rewrite(&module, &js)?;
    fs::write(wasm, &short).map_err(|e| format!("cannot write {}: {e}", wasm.display()))?;
    fs::write(glue, js).map_err(|e| format!("cannot write {}: {e}", glue.display()))?;
    Ok(module.len() - short.len())
}

/// The `n`th short name: `a`..`z`, `A`..`Z`, then two letters.
fn short_name(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let k = LETTERS.len();
    let mut name = String::new();
    if n >= k {
        name.push(LETTERS[n / k - 1] as char);
    }
    name.push(LETTERS[n % k] as char);
    name
}

/// The module with short import names, and the glue with the same names.
fn rewrite(module: &[u8], glue: &str) -> Result<(Vec<u8>, String)> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0") {
        return Err("not a version 1 wasm module".into());
    }
    let mut out = module[..8].to_vec();
    let mut js = glue.to_owned();
    let mut at = 8;
    while at < module.len() {
        let start = at;
        let id = byte(module, &mut at)?;
        let size = leb(module, &mut at)? as usize;
        let end = at + size;
        let body = module
            .get(at..end)
            .ok_or("a wasm section runs past the end of the module")?;
        if id == IMPORT || id == EXPORT {
            let section = if id == IMPORT {
                let mut imports = read_imports(body)?;
                js = rename(&mut imports, &js)?;
                write_imports(&imports)
            } else {
                let mut exports = read_exports(body)?;
                js = rename_exports(&mut exports, &js)?;
                write_exports(&exports)
            };
            out.push(id);
            put_leb(&mut out, section.len());
            out.extend(section);
        } else {
            out.extend(&module[start..end]);
        }
        at = end;
    }
    Ok((out, js))
}

/// Gives the glue's imports and every module short names, in the module and in `glue`.
fn rename(imports: &mut [Import], glue: &str) -> Result<String> {
    let mut js = glue.to_owned();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let mut fields = 0;
    for import in imports.iter_mut() {
        let next = modules.len();
        let module = modules
            .entry(import.module.clone())
            .or_insert_with(|| short_name(next))
            .clone();
        if import.module == GLUE_MODULE {
            // The glue declares each of its imports once, as a method of its import object.
            let key = format!("{}: function(", import.field);
            if js.matches(&key).count() != 1 {
                return Err(format!(
                    "the glue does not declare import `{}` once as `{key}`: cannot shorten its name",
                    import.field
                ));
            }
            import.field = short_name(fields);
            fields += 1;
            js = js.replacen(&key, &format!("{}: function(", import.field), 1);
        }
        import.module = module;
    }
    for (long, short) in &modules {
        // The object of import objects, keyed by module: `"./widget_bg.js": import0,`.
        let key = format!("\"{long}\": import");
        if !js.contains(&key) {
            return Err(format!(
                "the glue has no import object for module `{long}`: cannot shorten its name"
            ));
        }
        js = js.replace(&key, &format!("{short}: import"));
    }
    Ok(js)
}

/// Whether `export` is wasm-bindgen's own, used by its glue alone.
fn is_internal(export: &str) -> bool {
    export.starts_with("__") || export.starts_with("wasm_bindgen__")
}

/// Whether `c` can continue a JS identifier.
fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Gives wasm-bindgen's own exports short names, in the module and in the glue's `wasm.<name>`.
fn rename_exports(exports: &mut [(String, Vec<u8>)], glue: &str) -> Result<String> {
    let mut js = glue.to_owned();
    let kept: Vec<String> = exports
        .iter()
        .map(|(e, _)| e.clone())
        .filter(|e| !is_internal(e))
        .collect();
    let mut shorts = (0..).map(|n| format!("_{}", short_name(n)));
    for (export, _) in exports.iter_mut() {
        if !is_internal(export) {
            continue;
        }
        // Every use of the name must be a `wasm.` property read or a JS identifier of its
        // own (the glue names a wrapper function after the export it calls).
        let mut uses = Vec::new();
        for (at, _) in js.match_indices(export.as_str()) {
            let before = js[..at].chars().next_back();
            let after = js[at + export.len()..].chars().next();
            if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
                continue;
            }
            match before {
                Some('.') if js[..at].ends_with("wasm.") => uses.push(at),
                Some('.' | '\'' | '"' | '`' | '[') => {
                    return Err(format!(
                        "the glue reads export `{export}` other than as `wasm.{export}`: cannot shorten its name"
                    ))
                }
                _ => {}
            }
        }
        let short = shorts
            .by_ref()
            .find(|s| !kept.contains(s))
            .ok_or("no short names left")?;
        for at in uses.into_iter().rev() {
            js.replace_range(at..at + export.len(), &short);
        }
        *export = short;
    }
    Ok(js)
}

/// Reads the export section: each export's name and the rest of its entry (kind, index).
fn read_exports(b: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut at = 0;
    let count = leb(b, &mut at)?;
    let mut exports = Vec::new();
    for _ in 0..count {
        let export = name(b, &mut at)?;
        let desc = at;
        byte(b, &mut at)?;
        leb(b, &mut at)?;
        exports.push((export, b[desc..at].to_vec()));
    }
    if at != b.len() {
        return Err("the export section has bytes after its last export".into());
    }
    Ok(exports)
}

fn write_exports(exports: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    put_leb(&mut out, exports.len());
    for (export, desc) in exports {
        put_leb(&mut out, export.len());
        out.extend(export.as_bytes());
        out.extend(desc);
    }
    out
}

/// Reads a length-prefixed UTF-8 name at `*at`.
fn name(b: &[u8], at: &mut usize) -> Result<String> {
    let len = leb(b, at)? as usize;
    let bytes = b
        .get(*at..*at + len)
        .ok_or("a name runs past its section")?;
    *at += len;
    String::from_utf8(bytes.to_vec()).map_err(|_| "a name in the module is not UTF-8".into())
}

/// Moves past resizable limits: a flags byte, the minimum and, when flagged, the maximum.
fn limits(b: &[u8], at: &mut usize) -> Result {
    let flags = byte(b, at)?;
    leb(b, at)?;
    if flags & 1 != 0 {
        leb(b, at)?;
    }
    Ok(())
}

fn read_imports(b: &[u8]) -> Result<Vec<Import>> {
    let mut at = 0;
    let count = leb(b, &mut at)?;
    let mut imports = Vec::new();
    for _ in 0..count {
        let module = name(b, &mut at)?;
        let field = name(b, &mut at)?;
        let desc = at;
        match byte(b, &mut at)? {
            // function: its type index
            0 => {
                leb(b, &mut at)?;
            }
            // table: element type, limits
            1 => {
                byte(b, &mut at)?;
                limits(b, &mut at)?;
            }
            // memory: limits
            2 => limits(b, &mut at)?,
            // global: value type, mutability
            3 => at += 2,
            // tag: attribute, type index
            4 => {
                byte(b, &mut at)?;
                leb(b, &mut at)?;
            }
            kind => return Err(format!("import `{field}` is of an unknown kind {kind}")),
        }
        let desc = b
            .get(desc..at)
            .ok_or("an import runs past its section")?
            .to_vec();
        imports.push(Import {
            module,
            field,
            desc,
        });
    }
    if at != b.len() {
        return Err("the import section has bytes after its last import".into());
    }
    Ok(imports)
}

fn write_imports(imports: &[Import]) -> Vec<u8> {
    let mut out = Vec::new();
    put_leb(&mut out, imports.len());
    for i in imports {
        for s in [&i.module, &i.field] {
            put_leb(&mut out, s.len());
            out.extend(s.as_bytes());
        }
        out.extend(&i.desc);
    }
    out
}

/// Appends `n` as unsigned LEB128.
fn put_leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNIPPET: &str = "./snippets/w-0123/inline0.js";

    /// A module whose import section holds `imports` (module, field, kind bytes), with a
    /// type section before and a custom section after it.
    fn module(imports: &[(&str, &str, &[u8])]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]);
        let mut section = Vec::new();
        put_leb(&mut section, imports.len());
        for (module, field, desc) in imports {
            for s in [module, field] {
                put_leb(&mut section, s.len());
                section.extend(s.as_bytes());
            }
            section.extend(*desc);
        }
        m.push(IMPORT);
        put_leb(&mut m, section.len());
        m.extend(section);
        m.extend([0, 3, 1, b'x', 7]);
        m
    }

    const GLUE: &str = r#"function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_call_0123456789abcdef: function(arg0) { return arg0(); },
        __wbindgen_init_externref_table: function() {},
    };
    return {
        __proto__: null,
        "./widget_bg.js": import0,
        "./snippets/w-0123/inline0.js": import1,
        "./snippets/w-0123/inline0.js": import2,
    };
}"#;

    #[test]
    fn names_shrink_in_the_module_and_the_glue_alike() {
        let long = module(&[
            (GLUE_MODULE, "__wbg_call_0123456789abcdef", &[0, 0]),
            (SNIPPET, "ksmListen", &[0, 0]),
            (GLUE_MODULE, "__wbindgen_init_externref_table", &[0, 0]),
            (SNIPPET, "ksmSend", &[0, 0]),
        ]);
        let (short, js) = rewrite(&long, GLUE).unwrap();
        assert_eq!(
            short,
            module(&[
                ("a", "a", &[0, 0]),
                ("b", "ksmListen", &[0, 0]),
                ("a", "b", &[0, 0]),
                ("b", "ksmSend", &[0, 0]),
            ])
        );
        assert!(js.contains("        a: function(arg0) { return arg0(); },"));
        assert!(js.contains("        b: function() {},"));
        assert!(js.contains("        a: import0,\n        b: import1,\n        b: import2,"));
        assert!(!js.contains("__wbg_call") && !js.contains("inline0"));
    }

    /// `module` followed by an export section of `exports` (name, kind, index).
    fn with_exports(mut m: Vec<u8>, exports: &[(&str, u8, u8)]) -> Vec<u8> {
        let mut section = Vec::new();
        put_leb(&mut section, exports.len());
        for (name, kind, index) in exports {
            put_leb(&mut section, name.len());
            section.extend(name.as_bytes());
            section.extend([*kind, *index]);
        }
        m.push(EXPORT);
        put_leb(&mut m, section.len());
        m.extend(section);
        m
    }

    const INVOKE: &str = "wasm_bindgen__convert__closures_____invoke__h0123";

    #[test]
    fn internal_exports_shrink_where_the_glue_calls_them_and_public_ones_stay() {
        let imports = module(&[(GLUE_MODULE, "__wbg_call_0123456789abcdef", &[0, 0])]);
        let exports = [
            ("memory", 2, 0),
            ("mount", 0, 1),
            ("_a", 0, 2),
            ("__wbindgen_malloc", 0, 3),
            (INVOKE, 0, 4),
        ];
        let long = with_exports(imports, &exports);
        let glue = format!(
            "{GLUE}\nfunction {INVOKE}(a) {{ return wasm.{INVOKE}(a); }}\n\
             const p = wasm.__wbindgen_malloc(1); wasm.__wbindgen_malloc(2);\n\
             wasm.mount(); wasm.memory.buffer; makeMutClosure(0, 1, {INVOKE});"
        );
        let (short, js) = rewrite(&long, &glue).unwrap();
        let renamed = [
            ("memory", 2, 0),
            ("mount", 0, 1),
            ("_a", 0, 2),
            ("_b", 0, 3),
            ("_c", 0, 4),
        ];
        let imports = module(&[("a", "a", &[0, 0])]);
        assert_eq!(short, with_exports(imports, &renamed));
        assert!(js.contains(&format!("function {INVOKE}(a) {{ return wasm._c(a); }}")));
        assert!(js.contains("const p = wasm._b(1); wasm._b(2);"));
        assert!(js.contains(&format!(
            "wasm.mount(); wasm.memory.buffer; makeMutClosure(0, 1, {INVOKE});"
        )));
        assert!(!js.contains("__wbindgen_malloc"));
    }

    #[test]
    fn an_export_read_by_its_name_as_a_string_stops_the_build() {
        let long = with_exports(
            module(&[(GLUE_MODULE, "__wbg_call_0123456789abcdef", &[0, 0])]),
            &[("__wbindgen_start", 0, 0)],
        );
        let glue = format!("{GLUE}\ninstance.exports[\"__wbindgen_start\"]();");
        let err = rewrite(&long, &glue).unwrap_err();
        assert!(err.contains("__wbindgen_start"), "{err}");
        let glue = format!("{GLUE}\ninstance.exports.__wbindgen_start();");
        assert!(rewrite(&long, &glue).is_err());
        let glue = format!("{GLUE}\nwasm.__wbindgen_start();");
        assert!(rewrite(&long, &glue).unwrap().1.contains("wasm._a();"));
    }

    #[test]
    fn every_kind_of_import_reads_back_byte_for_byte() {
        let kinds: [&[u8]; 6] = [
            &[0, 0x81, 0x01],
            &[1, 0x6f, 1, 2, 0x80, 0x01],
            &[2, 0, 17],
            &[2, 1, 17, 200, 1],
            &[3, 0x7f, 1],
            &[4, 0, 3],
        ];
        let imports: Vec<(&str, &str, &[u8])> = kinds.iter().map(|k| ("m", "f", *k)).collect();
        let m = module(&imports);
        let section = &m[16..m.len() - 5];
        let read = read_imports(section).unwrap();
        assert_eq!(read.len(), 6);
        assert_eq!(write_imports(&read), section);
        assert!(read_imports(&module(&[("m", "f", &[9, 0])])[16..]).is_err());
    }

    #[test]
    fn a_glue_that_does_not_declare_an_import_stops_the_build() {
        let long = module(&[(GLUE_MODULE, "__wbg_gone_0123456789abcdef", &[0, 0])]);
        let err = rewrite(&long, GLUE).unwrap_err();
        assert!(err.contains("__wbg_gone_0123456789abcdef"), "{err}");
        let other = module(&[("./elsewhere.js", "f", &[0, 0])]);
        let err = rewrite(&other, GLUE).unwrap_err();
        assert!(err.contains("./elsewhere.js"), "{err}");
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..300).map(short_name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!((names[0].as_str(), names[51].as_str()), ("a", "Z"));
        assert_eq!((names[52].as_str(), names[53].as_str()), ("aa", "ab"));
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic())));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(rewrite(b"not wasm at all", GLUE).is_err());
        let mut cut = module(&[(GLUE_MODULE, "__wbg_call_0123456789abcdef", &[0, 0])]);
        cut.truncate(cut.len() - 9);
        assert!(rewrite(&cut, GLUE).is_err());
    }
}
