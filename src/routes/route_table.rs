//! The table the fallback consults to tell 404 from 405: the API's paths and their methods, read
//! from its OpenAPI document, which utoipa builds from the handlers' own route attributes, so
//! that the answer follows the routes rather than a hand-kept list.

use std::sync::LazyLock;

use utoipa::OpenApi;

use super::openapi::ApiDoc;

/// One path template: literal segments, and `None` where any one segment fits (`{id}`).
struct Template {
    segments: Vec<Option<String>>,
    methods: Vec<&'static str>,
}

static TABLE: LazyLock<Vec<Template>> = LazyLock::new(|| {
    ApiDoc::openapi()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ]
            .into_iter()
            .filter_map(|(method, present)| present.then_some(method))
            .collect();
            let segments = path
                .trim_start_matches('/')
                .split('/')
                .map(|segment| (!segment.starts_with('{')).then(|| segment.to_string()))
                .collect();
            Template { segments, methods }
        })
        .collect()
});

/// The methods a path answers to, when some route has it.
pub fn allowed_methods(path: &str) -> Option<Vec<&'static str>> {
    let wanted: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut methods: Vec<&'static str> = TABLE
        .iter()
        .filter(|template| {
            template.segments.len() == wanted.len()
                && template.segments.iter().zip(&wanted).all(|(segment, given)| {
                    segment.as_deref().is_none_or(|literal| literal == *given) && !given.is_empty()
                })
        })
        .flat_map(|template| template.methods.iter().copied())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    (!methods.is_empty()).then_some(methods)
}

#[cfg(test)]
mod tests {
    use super::allowed_methods;

    #[test]
    fn methods_come_from_the_routes() {
        assert_eq!(allowed_methods("/api/v1/search"), Some(vec!["GET"]));
        assert_eq!(allowed_methods("/api/v1/imports"), Some(vec!["POST"]));
        assert_eq!(allowed_methods("/api/v1/users"), Some(vec!["GET", "POST"]));
        assert_eq!(allowed_methods("/api/v1/users/7/approve"), Some(vec!["POST"]));
        assert_eq!(allowed_methods("/api/v1/users/7/unknown"), None);
        assert_eq!(allowed_methods("/api/v1/nothing"), None);
    }
}
