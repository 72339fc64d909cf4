//! UI strings in the manifest's locales (en, es, pt), chosen from the host's language.
//!
//! One macro row per message keeps the three locales' key sets identical by construction.

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English (also the fallback).
    En,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
}

impl Lang {
    /// The language for a host language code such as `es`, `pt-BR` or `en_US`; English otherwise.
    pub fn from_code(code: &str) -> Lang {
        let c = code.get(..2).unwrap_or("").to_ascii_lowercase();
        match c.as_str() {
            "es" => Lang::Es,
            "pt" => Lang::Pt,
            _ => Lang::En,
        }
    }

    /// The text of `key` in this language.
    pub fn t(self, key: T) -> &'static str {
        let table = match self {
            Lang::En => EN,
            Lang::Es => ES,
            Lang::Pt => PT,
        };
        table[key as usize]
    }
}

macro_rules! strings {
    ($($key:ident => $en:literal, $es:literal, $pt:literal;)*) => {
        /// A UI message, looked up per language with [`Lang::t`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum T { $($key),* }

        /// Every message key, in declaration order (for tests over all strings).
        pub const ALL: &[T] = &[$(T::$key),*];
        const EN: &[&str] = &[$($en),*];
        const ES: &[&str] = &[$($es),*];
        const PT: &[&str] = &[$($pt),*];
    };
}

strings! {
    Loading => "Loading sources…", "Cargando fuentes…", "Carregando fontes…";
    Title => "Lead sources", "Fuentes de leads", "Fontes de leads";
    Search => "Search by name or external ID", "Buscar por nombre o ID externo", "Buscar por nome ou ID externo";
    Lookup => "Find on server by external ID", "Buscar en el servidor por ID externo", "Procurar no servidor por ID externo";
    LookupGo => "Find", "Buscar", "Procurar";
    LookupMissing => "No source has this external ID.", "Ninguna fuente tiene este ID externo.", "Nenhuma fonte tem este ID externo.";
    LookupFound => "Found on server:", "Encontrada en el servidor:", "Encontrada no servidor:";
    Quota => "Sources used", "Fuentes usadas", "Fontes usadas";
    QuotaFull => "The limit of sources is reached.", "Se alcanzó el límite de fuentes.", "O limite de fontes foi atingido.";
    Add => "Add source", "Añadir fuente", "Adicionar fonte";
    CreateN => "Create new sources", "Crear fuentes nuevas", "Criar fontes novas";
    SaveN => "Save all changes", "Guardar todos los cambios", "Salvar todas as alterações";
    DeleteSel => "Delete selected", "Eliminar seleccionadas", "Excluir selecionadas";
    Export => "Export JSON", "Exportar JSON", "Exportar JSON";
    Import => "Import JSON", "Importar JSON", "Importar JSON";
    Refresh => "Refresh", "Actualizar", "Atualizar";
    ColSelect => "Select", "Seleccionar", "Selecionar";
    SelectAll => "Select all", "Seleccionar todas", "Selecionar todas";
    ColName => "Name", "Nombre", "Nome";
    ColExt => "External ID", "ID externo", "ID externo";
    ColPipeline => "Pipeline", "Embudo", "Funil";
    ColDefault => "Default", "Predeterminada", "Padrão";
    ColOrigin => "Origin code", "Código de origen", "Código de origem";
    ColWa => "WhatsApp", "WhatsApp", "WhatsApp";
    ColActions => "Actions", "Acciones", "Ações";
    Archived => "archived", "archivado", "arquivado";
    UnknownPipeline => "unknown pipeline", "embudo desconocido", "funil desconhecido";
    Save => "Save", "Guardar", "Salvar";
    Create => "Create", "Crear", "Criar";
    Revert => "Undo changes", "Deshacer cambios", "Desfazer alterações";
    Remove => "Remove", "Quitar", "Remover";
    Delete => "Delete", "Eliminar", "Excluir";
    CopyJson => "Copy JSON", "Copiar JSON", "Copiar JSON";
    Copied => "Copied the _embedded.source JSON.", "Se copió el JSON de _embedded.source.", "O JSON de _embedded.source foi copiado.";
    Pages => "Pages", "Páginas", "Páginas";
    PageName => "Page name", "Nombre de la página", "Nome da página";
    PageId => "Page ID", "ID de la página", "ID da página";
    PageLink => "Phone number", "Número de teléfono", "Número de telefone";
    AddPage => "Add page", "Añadir página", "Adicionar página";
    Waba => "WhatsApp Business API (waba)", "WhatsApp Business API (waba)", "WhatsApp Business API (waba)";
    ListMsg => "Supports list messages", "Admite mensajes de lista", "Suporta mensagens de lista";
    MakeDefault => "Make default", "Hacer predeterminada", "Tornar padrão";
    ClearDefault => "Clear default", "Quitar predeterminada", "Remover padrão";
    IsDefault => "Default source", "Fuente predeterminada", "Fonte padrão";
    Empty => "No sources yet. Add the first one.", "Aún no hay fuentes. Añada la primera.", "Ainda não há fontes. Adicione a primeira.";
    NoMatch => "No source matches the search.", "Ninguna fuente coincide con la búsqueda.", "Nenhuma fonte corresponde à busca.";
    NewRow => "new", "nueva", "nova";
    Changed => "unsaved changes", "cambios sin guardar", "alterações não salvas";
    Saving => "Saving…", "Guardando…", "Salvando…";
    Saved => "Saved.", "Guardado.", "Salvo.";
    CreatedN => "Sources created:", "Fuentes creadas:", "Fontes criadas:";
    SavedN => "Sources saved:", "Fuentes guardadas:", "Fontes salvas:";
    DeletedN => "Sources deleted:", "Fuentes eliminadas:", "Fontes excluídas:";
    DeletedElsewhere => "This source had already been deleted elsewhere.", "Esta fuente ya había sido eliminada en otro lugar.", "Esta fonte já havia sido excluída em outro lugar.";
    Retry => "Retry", "Reintentar", "Tentar novamente";
    Close => "Close", "Cerrar", "Fechar";
    Cancel => "Cancel", "Cancelar", "Cancelar";
    Undo => "Undo", "Deshacer", "Desfazer";
    ConfirmDeleteTitle => "Delete these sources?", "¿Eliminar estas fuentes?", "Excluir estas fontes?";
    ConfirmDeleteNote => "Leads keep their source; new leads will no longer get it.", "Los leads conservan su fuente; los nuevos ya no la recibirán.", "Os leads mantêm a fonte; os novos não a receberão mais.";
    DeletingIn => "Deleting in seconds:", "Eliminando en segundos:", "Excluindo em segundos:";
    ImportTitle => "Import preview", "Vista previa de la importación", "Prévia da importação";
    ImportCreate => "Will be created:", "Se crearán:", "Serão criadas:";
    ImportUpdate => "Will be changed:", "Se cambiarán:", "Serão alteradas:";
    ImportSame => "Unchanged:", "Sin cambios:", "Sem alterações:";
    ImportApply => "Apply import", "Aplicar importación", "Aplicar importação";
    ImportNothing => "The file matches the current sources: nothing to do.", "El archivo coincide con las fuentes actuales: no hay nada que hacer.", "O arquivo corresponde às fontes atuais: nada a fazer.";
    ImportNotJson => "The file is not valid JSON.", "El archivo no es JSON válido.", "O arquivo não é um JSON válido.";
    ImportShape => "The file must hold a list of sources with name and external_id.", "El archivo debe contener una lista de fuentes con name y external_id.", "O arquivo deve conter uma lista de fontes com name e external_id.";
    ImportTooBig => "The file is too large (at most 1 MB).", "El archivo es demasiado grande (máximo 1 MB).", "O arquivo é grande demais (no máximo 1 MB).";
    ImportDup => "The file has the same external ID twice:", "El archivo repite un ID externo:", "O arquivo repete um ID externo:";
    ImportInvalid => "The file has an invalid source:", "El archivo tiene una fuente no válida:", "O arquivo tem uma fonte inválida:";
    ImportDone => "Import applied.", "Importación aplicada.", "Importação aplicada.";
    Test => "Test connection", "Probar conexión", "Testar conexão";
    ConnOk => "Connected. Sources of this integration:", "Conectado. Fuentes de esta integración:", "Conectado. Fontes desta integração:";
    ConnHint => "Enter the long-lived token of your private integration, then test the connection.", "Introduzca el token de larga duración de su integración privada y pruebe la conexión.", "Informe o token de longa duração da sua integração privada e teste a conexão.";
    ManageHint => "Create, edit and delete sources on the widget's advanced settings page.", "Cree, edite y elimine fuentes en la página de configuración avanzada del widget.", "Crie, edite e exclua fontes na página de configurações avançadas do widget.";
    AddTitle => "Add a source to pipeline", "Añadir una fuente al embudo", "Adicionar uma fonte ao funil";
    AddNew => "Create a new source", "Crear una fuente nueva", "Criar uma fonte nova";
    AddMove => "Or move an existing source here", "O mover aquí una fuente existente", "Ou mover uma fonte existente para cá";
    MoveBtn => "Move here", "Mover aquí", "Mover para cá";
    ChooseSource => "Choose a source", "Elija una fuente", "Escolha uma fonte";
    AddDone => "Done: leads from this source now land in pipeline", "Listo: los leads de esta fuente llegan ahora al embudo", "Pronto: os leads desta fonte agora chegam ao funil";
    ErrUnauthorized => "The token is missing, wrong or expired. Open the widget settings and enter a valid long-lived token.", "El token falta, es incorrecto o caducó. Abra la configuración del widget e introduzca un token de larga duración válido.", "O token está ausente, incorreto ou expirado. Abra as configurações do widget e informe um token de longa duração válido.";
    ErrPayment => "The account's plan does not allow this (402).", "El plan de la cuenta no lo permite (402).", "O plano da conta não permite isto (402).";
    ErrForbidden => "Access denied (403): no rights for this, or too many requests.", "Acceso denegado (403): sin permisos o demasiadas solicitudes.", "Acesso negado (403): sem permissão ou solicitações demais.";
    ErrNotFound => "Not found (404): the source no longer exists.", "No encontrado (404): la fuente ya no existe.", "Não encontrado (404): a fonte não existe mais.";
    ErrRateLimited => "Too many requests. Retrying automatically in seconds:", "Demasiadas solicitudes. Reintento automático en segundos:", "Solicitações demais. Nova tentativa automática em segundos:";
    ErrServer => "Kommo's server failed. Your changes are kept; try again.", "El servidor de Kommo falló. Sus cambios se conservan; inténtelo de nuevo.", "O servidor do Kommo falhou. Suas alterações foram mantidas; tente novamente.";
    ErrNetwork => "No connection to the server. Your changes are kept; try again.", "Sin conexión con el servidor. Sus cambios se conservan; inténtelo de nuevo.", "Sem conexão com o servidor. Suas alterações foram mantidas; tente novamente.";
    ErrTimeout => "The server did not answer in time. Your changes are kept; try again.", "El servidor no respondió a tiempo. Sus cambios se conservan; inténtelo de nuevo.", "O servidor não respondeu a tempo. Suas alterações foram mantidas; tente novamente.";
    ErrDecode => "The server's answer could not be read. Try again.", "No se pudo leer la respuesta del servidor. Inténtelo de nuevo.", "Não foi possível ler a resposta do servidor. Tente novamente.";
    ErrHttp => "The request failed.", "La solicitud falló.", "A solicitação falhou.";
    ErrRejected => "The server rejected some fields; see the marked rows.", "El servidor rechazó algunos campos; vea las filas marcadas.", "O servidor rejeitou alguns campos; veja as linhas marcadas.";
    ErrFix => "Fix the marked fields first.", "Corrija primero los campos marcados.", "Corrija primeiro os campos marcados.";
    ErrGone => "This source no longer exists on the server.", "Esta fuente ya no existe en el servidor.", "Esta fonte não existe mais no servidor.";
    ErrGoneSome => "Some of these sources no longer exist (deleted elsewhere). The list was reloaded: select again what is left to delete.", "Algunas de estas fuentes ya no existen (eliminadas en otro lugar). La lista se recargó: seleccione de nuevo lo que queda por eliminar.", "Algumas destas fontes não existem mais (excluídas em outro lugar). A lista foi recarregada: selecione novamente o que falta excluir.";
    ErrLimit => "This would exceed the limit of sources.", "Esto superaría el límite de fuentes.", "Isto excederia o limite de fontes.";
    VRequired => "Required.", "Obligatorio.", "Obrigatório.";
    VTooLong => "Too long.", "Demasiado largo.", "Longo demais.";
    VDuplicate => "Another source already uses this external ID.", "Otra fuente ya usa este ID externo.", "Outra fonte já usa este ID externo.";
    VInvalid => "Not valid.", "No válido.", "Inválido.";
    VChars => "Use printable characters only.", "Use solo caracteres imprimibles.", "Use apenas caracteres imprimíveis.";
    VDigits => "Must not be only digits.", "No puede ser solo dígitos.", "Não pode ser só dígitos.";
    VQuotes => "Must not be only quotes.", "No puede ser solo comillas.", "Não pode ser só aspas.";
    VPipeline => "Choose an existing pipeline.", "Elija un embudo existente.", "Escolha um funil existente.";
    VPhone => "Enter an international phone number (digits, optionally starting with +).", "Introduzca un número internacional (dígitos, opcionalmente con + al inicio).", "Informe um número internacional (dígitos, opcionalmente com + no início).";
    VOneDefault => "Only one source can be the default.", "Solo una fuente puede ser la predeterminada.", "Apenas uma fonte pode ser a padrão.";
    VTooMany => "Too many sources in one request.", "Demasiadas fuentes en una solicitud.", "Fontes demais em uma solicitação.";
    VServer => "Rejected by the server.", "Rechazado por el servidor.", "Rejeitado pelo servidor.";
    WaPreview => "Opens", "Abre", "Abre";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_non_empty_text_in_every_language() {
        for &k in ALL {
            for l in [Lang::En, Lang::Es, Lang::Pt] {
                assert!(!l.t(k).trim().is_empty(), "{k:?} is empty in {l:?}");
            }
        }
        assert_eq!(EN.len(), ES.len());
        assert_eq!(EN.len(), PT.len());
    }

    #[test]
    fn host_codes_pick_the_language_and_unknown_ones_fall_back_to_english() {
        assert_eq!(Lang::from_code("es"), Lang::Es);
        assert_eq!(Lang::from_code("pt-BR"), Lang::Pt);
        assert_eq!(Lang::from_code("EN_us"), Lang::En);
        assert_eq!(Lang::from_code("ru"), Lang::En);
        assert_eq!(Lang::from_code(""), Lang::En);
        assert_eq!(Lang::Es.t(T::Delete), "Eliminar");
    }

    #[test]
    fn the_manifest_locale_files_have_the_same_keys() {
        fn keys(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
            if let Some(m) = v.as_object() {
                for (k, v) in m {
                    keys(v, &format!("{prefix}{k}."), out);
                }
            } else {
                out.push(prefix.trim_end_matches('.').to_owned());
            }
        }
        let read = |l: &str| -> Vec<String> {
            let path = format!("{}/widget/i18n/{l}.json", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).unwrap();
            assert!(!text.starts_with('\u{feff}'), "{l}.json starts with a BOM");
            let mut out = Vec::new();
            keys(&serde_json::from_str(&text).unwrap(), "", &mut out);
            out.sort();
            out
        };
        let en = read("en");
        for k in [
            "widget.name",
            "widget.description",
            "widget.short_description",
            "widget.tour_description",
            "settings.token",
            "advanced.title",
        ] {
            assert!(en.iter().any(|x| x == k), "en.json lacks {k}");
        }
        assert_eq!(en, read("es"));
        assert_eq!(en, read("pt"));
    }
}
