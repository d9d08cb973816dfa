//! The API document `docs/openapi.json`, and the check of real responses
//! against it with the `jsonschema` crate (JSON Schema 2020-12, the dialect of
//! OpenAPI 3.1).
//!
//! A schema is checked together with the document's `components`, so its
//! `$ref: "#/components/..."` resolve as they do for a client. Formats and
//! other annotations only document (as in 2020-12 by default); the test
//! `openapi_schemas_use_only_supported_keywords` makes sure the document does
//! not start relying on a keyword that would be skipped silently.
//!
//! One rule is stricter than JSON Schema: `integer` does not accept a number
//! written with a fraction or an exponent (`3.0`), because a client reading it
//! into an integer type would reject it. The keyword `type` is checked by
//! [`StrictType`] for that.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Keyword, ValidationError, paths::Location};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The API document, embedded.
pub const DOC: &str = include_str!("../../docs/openapi.json");

/// Deeper than any response in the document nests its `$ref`s; guards
/// against cycles.
const MAX_DEPTH: usize = 64;

/// The keywords the document may use to constrain a value (each enforced by
/// the validator).
const ENFORCED: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "oneOf",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
];

/// Keywords that only document and never constrain.
const ANNOTATIONS: &[&str] = &["description", "examples", "example", "format", "title"];

/// Validates `value` against the schema `#/components/schemas/{name}` of DOC;
/// Err lists every mismatch with its JSON path.
pub fn check(name: &str, value: &Value) -> Result<(), String> {
    let doc = doc()?;
    let schema = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.get(name))
        .ok_or_else(|| format!("docs/openapi.json has no schema #/components/schemas/{name}"))?;
    run(doc, schema, value)
}

/// Validates the 200 response body of `GET {path_template}` (e.g.
/// "/teams/{id}/trend", a key of `paths` in DOC without the /api/v1 server
/// prefix) against the schema referenced by its application/json response.
pub fn check_response(path_template: &str, value: &Value) -> Result<(), String> {
    let doc = doc()?;
    let schema = response_schema(doc, path_template)?;
    run(doc, schema, value)
}

/// The parsed document, parsed once per test binary.
fn doc() -> Result<&'static Value, String> {
    static PARSED: OnceLock<Result<Value, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            serde_json::from_str(DOC).map_err(|e| format!("docs/openapi.json does not parse: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Resolves a local reference (`#/components/...`) in `doc`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Result<&'a Value, String> {
    let pointer = reference
        .strip_prefix('#')
        .ok_or_else(|| format!("only local $refs are supported, not {reference:?}"))?;
    doc.pointer(pointer)
        .ok_or_else(|| format!("$ref {reference:?} does not resolve"))
}

/// The schema of the application/json body of the 200 response of
/// `GET {path_template}`, following `$ref`s to `#/components/responses`.
fn response_schema<'a>(doc: &'a Value, path_template: &str) -> Result<&'a Value, String> {
    let operation = doc
        .get("paths")
        .and_then(|p| p.get(path_template))
        .and_then(|p| p.get("get"))
        .ok_or_else(|| format!("docs/openapi.json documents no GET {path_template}"))?;
    let mut response = operation
        .pointer("/responses/200")
        .ok_or_else(|| format!("GET {path_template} documents no 200 response"))?;
    let mut hops = 0;
    while let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        hops += 1;
        if hops > MAX_DEPTH {
            return Err(format!(
                "GET {path_template}: $ref cycle in the 200 response"
            ));
        }
        response = resolve(doc, reference)?;
    }
    response
        .pointer("/content/application~1json/schema")
        .ok_or_else(|| {
            format!("GET {path_template}: the 200 response has no application/json schema")
        })
}

/// Checks `value` against `schema`, a schema taken from `doc`: the schema is
/// compiled beside a copy of the document's `components`, so that its local
/// `$ref`s resolve.
fn run(doc: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    let mut root = match schema {
        Value::Object(schema) => schema.clone(),
        other => return Err(format!("not a schema: {other}")),
    };
    root.insert("components".into(), doc["components"].clone());
    let root = Value::Object(root);
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_keyword("type", StrictType::compile)
        .build(&root)
        .map_err(|e| format!("the schema does not compile: {e}"))?;
    let errors: Vec<ValidationError> = validator.iter_errors(value).collect();
    let mut lines = Vec::new();
    describe(&root, &errors, "", &mut lines);
    if lines.is_empty() {
        Ok(())
    } else {
        Err(lines.join("\n"))
    }
}

/// One line per error, `$.path: message`. When no alternative of a `oneOf`
/// matches, the errors of the closest alternatives (fewest errors) follow,
/// indented, as those are almost always the shape that was meant.
fn describe(root: &Value, errors: &[ValidationError], indent: &str, lines: &mut Vec<String>) {
    for error in errors {
        let path = json_path(error.instance_path());
        let ValidationErrorKind::OneOfNotValid { context } = error.kind() else {
            lines.push(format!("{indent}{path}: {error}"));
            continue;
        };
        // The alternatives, named by the schema each refers to.
        let alternatives = root.pointer(error.schema_path().as_str());
        let label = |i: usize| {
            alternatives
                .and_then(|a| a.get(i))
                .and_then(|a| a.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map_or_else(|| format!("oneOf[{i}]"), str::to_string)
        };
        let fewest = context.iter().map(Vec::len).min().unwrap_or(0);
        let closest: Vec<usize> = (0..context.len())
            .filter(|&i| context[i].len() == fewest)
            .collect();
        let names: Vec<String> = closest.iter().map(|&i| label(i)).collect();
        lines.push(format!(
            "{indent}{path}: matches none of the {} alternatives; closest: {}",
            context.len(),
            names.join(", ")
        ));
        for &i in &closest {
            lines.push(format!("{indent}  as {}:", label(i)));
            describe(root, &context[i], &format!("{indent}    "), lines);
        }
    }
}

/// `/rounds/1/items` as `$.rounds[1].items`.
fn json_path(location: &Location) -> String {
    let mut path = String::from("$");
    for segment in location.as_str().split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            path.push('.');
            path.push_str(&segment);
        }
    }
    path
}

/// `type`, with `integer` strict: a number written with a fraction or an
/// exponent is not an integer, whatever its value.
struct StrictType {
    names: Vec<String>,
}

impl StrictType {
    fn compile<'a>(
        _parent: &'a Map<String, Value>,
        value: &'a Value,
        _path: Location,
    ) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
        let names: Vec<String> = match value {
            Value::String(name) => vec![name.clone()],
            Value::Array(names) => names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        let known = [
            "null", "boolean", "object", "array", "number", "integer", "string",
        ];
        match names.iter().find(|name| !known.contains(&name.as_str())) {
            Some(name) => Err(ValidationError::schema(format!("unknown type {name:?}"))),
            None if names.is_empty() => Err(ValidationError::schema(format!(
                "type must be a name or a list of names, not {value}"
            ))),
            None => Ok(Box::new(StrictType { names })),
        }
    }
}

impl<'i> Keyword<'i> for StrictType {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!(
                "{instance} is not of type {}",
                self.names.join(" or ")
            )))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.names.iter().any(|name| match name.as_str() {
            "null" => instance.is_null(),
            "boolean" => instance.is_boolean(),
            "object" => instance.is_object(),
            "array" => instance.is_array(),
            "string" => instance.is_string(),
            "number" => instance.is_number(),
            "integer" => instance.is_i64() || instance.is_u64(),
            _ => false,
        })
    }
}

// ---------------------------------------------------------------------------
// Tests of the document and the validator. They run in the integration-test
// binary.

fn parsed() -> &'static Value {
    doc().unwrap_or_else(|e| panic!("{e}"))
}

fn schema_names() -> BTreeSet<String> {
    parsed()["components"]["schemas"]
        .as_object()
        .expect("components.schemas is an object")
        .keys()
        .cloned()
        .collect()
}

/// Every `$ref` string anywhere in `value`, with the JSON pointer to it.
fn collect_refs(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (key.as_str(), child) {
                    ("$ref", Value::String(reference)) => {
                        found.push((child_at, reference.clone()));
                    }
                    _ => collect_refs(child, &child_at, found),
                }
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                collect_refs(child, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// Calls `visit(pointer, schema)` for `schema` and every schema nested in it.
fn walk_schemas(schema: &Value, at: &str, visit: &mut dyn FnMut(&str, &Map<String, Value>)) {
    let Some(map) = schema.as_object() else {
        return;
    };
    visit(at, map);
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            walk_schemas(property, &format!("{at}/properties/{name}"), visit);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get(key) {
            walk_schemas(child, &format!("{at}/{key}"), visit);
        }
    }
    if let Some(Value::Array(alternatives)) = map.get("oneOf") {
        for (i, alternative) in alternatives.iter().enumerate() {
            walk_schemas(alternative, &format!("{at}/oneOf/{i}"), visit);
        }
    }
}

/// Every schema the document declares: components, responses, parameters
/// and headers, each with a pointer for messages.
fn all_schemas() -> Vec<(String, &'static Value)> {
    let doc = parsed();
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        out.push((format!("#/components/schemas/{name}"), schema));
    }
    for (name, header) in doc["components"]["headers"].as_object().unwrap() {
        out.push((
            format!("#/components/headers/{name}/schema"),
            &header["schema"],
        ));
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        let operation = &item["get"];
        for (i, parameter) in operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(doc, r).unwrap_or_else(|e| panic!("{e}")),
                None => parameter,
            };
            out.push((
                format!("paths[{path}].get.parameters[{i}]"),
                &parameter["schema"],
            ));
        }
        // A chart's 200 is an image (SVG or PNG), not JSON.
        let image = item
            .pointer("/get/responses/200/content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().find(|(t, _)| t.starts_with("image/")))
            .map(|(_, c)| &c["schema"]);
        let schema = match image {
            Some(s) => s,
            None => response_schema(doc, path).unwrap_or_else(|e| panic!("{e}")),
        };
        out.push((format!("paths[{path}].get.responses.200"), schema));
    }
    out
}

fn team_ref() -> Value {
    json!({"id": "support-north", "name": "Support North"})
}

fn round_ref() -> Value {
    json!({
        "id": 7,
        "title": "Spring 2025",
        "survey": "psych-safety",
        "opened_on": "2025-03-03",
        "closed_on": "2025-03-21"
    })
}

fn round() -> Value {
    json!({
        "id": 7,
        "survey": "psych-safety",
        "title": "Spring 2025",
        "state": "closed",
        "opened_on": "2025-03-03",
        "closes_on": null,
        "closed_on": "2025-03-21",
        "k": 5
    })
}

fn shares() -> Value {
    json!({"unfavourable": 0.1, "neutral": 0.3, "favourable": 0.6})
}

fn change() -> Value {
    json!({"delta": -0.4, "within_noise": true})
}

fn figure() -> Value {
    json!({
        "n": 8,
        "mean": 5.4,
        "se": 0.35,
        "ci": [4.6, 6.2],
        "shares": shares(),
        "change": change()
    })
}

fn part_released(id: &str) -> Value {
    let mut part = figure();
    part["id"] = json!(id);
    part["status"] = json!("released");
    part["change"] = Value::Null;
    part
}

fn part_suppressed(id: &str) -> Value {
    json!({"id": id, "status": "suppressed"})
}

fn agreement() -> Value {
    json!({"rwg_j": 0.82, "views_differ": false})
}

fn released() -> Value {
    json!({
        "status": "released",
        "round": round_ref(),
        "team": team_ref(),
        "k": 5,
        "respondents": 8,
        "participation_band": "70–80 %",
        "score": 5.4,
        "scale_points": 7,
        "overall": figure(),
        "dimensions": [part_released("speaking-up")],
        "items": [part_released("q1"), part_suppressed("q2"), part_released("q3")],
        "agreement": agreement(),
        "strengths": ["q1", "q3"],
        "concerns": ["q3"],
        "dimension_strengths": ["speaking-up"],
        "dimension_concerns": [],
        "reversed_items": ["q2"]
    })
}

fn suppressed() -> Value {
    json!({
        "status": "suppressed",
        "reason": "hidden_to_protect_anonymity",
        "round": round_ref(),
        "team": team_ref(),
        "k": 5
    })
}

fn open() -> Value {
    let mut round_ref = round_ref();
    round_ref["closed_on"] = Value::Null;
    json!({
        "status": "open",
        "k_reached": false,
        "round": round_ref,
        "team": team_ref(),
        "k": 5
    })
}

fn pending() -> Value {
    json!({
        "status": "pending",
        "round": round_ref(),
        "team": team_ref(),
        "k": 5
    })
}

fn cell_released() -> Value {
    json!({"team": "support-north", "round": 7, "status": "released", "respondents": 8, "score": 5.4})
}

fn cell_suppressed() -> Value {
    json!({"team": "organisation", "round": 7, "status": "suppressed"})
}

fn cell_open() -> Value {
    json!({"team": "support-north", "round": 8, "status": "open", "k_reached": true})
}

fn trend() -> Value {
    json!({"team": team_ref(), "rounds": [suppressed(), released()]})
}

fn overview() -> Value {
    json!({
        "teams": [team_ref(), {"id": "organisation", "name": "Organisation"}],
        "rounds": [round()],
        "cells": [cell_released(), cell_suppressed(), cell_open()]
    })
}

/// A valid hand-written example of every schema in the document.
fn examples() -> Vec<(&'static str, Value)> {
    let mut with_comments = released();
    with_comments["comments"] = json!(["More room for questions.", "Fine as it is."]);
    with_comments["comments_withheld"] = Value::Null;
    let mut withheld = released();
    withheld["comments"] = json!([]);
    withheld["comments_withheld"] = json!({"reason": "too_few_respondents", "min_respondents": 10});
    let mut unreleased_parts = released();
    unreleased_parts["agreement"] = Value::Null;
    unreleased_parts["participation_band"] = Value::Null;
    unreleased_parts["overall"]["change"] = Value::Null;
    unreleased_parts["strengths"] = json!([]);
    unreleased_parts["concerns"] = json!([]);
    vec![
        ("Error", json!({"error": "not found"})),
        (
            "Team",
            json!({"id": "support-north", "name": "Support North", "parent": "support"}),
        ),
        (
            "Team",
            json!({"id": "support", "name": "Support", "parent": null}),
        ),
        ("TeamRef", team_ref()),
        ("Round", round()),
        ("RoundRef", round_ref()),
        ("Shares", shares()),
        ("Change", change()),
        ("Figure", figure()),
        ("PartReleased", part_released("q1")),
        ("PartSuppressed", part_suppressed("q2")),
        ("Part", part_released("q1")),
        ("Part", part_suppressed("q2")),
        ("Agreement", agreement()),
        ("TeamRoundReleased", released()),
        ("TeamRoundReleased", with_comments.clone()),
        ("TeamRoundReleased", withheld),
        ("TeamRoundSuppressed", suppressed()),
        ("TeamRoundOpen", open()),
        ("TeamRoundResult", released()),
        ("TeamRoundResult", with_comments),
        ("TeamRoundResult", unreleased_parts),
        ("TeamRoundResult", suppressed()),
        ("TeamRoundResult", open()),
        ("TeamRoundPending", pending()),
        ("TeamRoundResult", pending()),
        ("Trend", trend()),
        (
            "Trend",
            json!({"team": team_ref(), "rounds": [pending(), released()]}),
        ),
        ("Trend", json!({"team": team_ref(), "rounds": []})),
        ("CellReleased", cell_released()),
        ("CellSuppressed", cell_suppressed()),
        ("CellOpen", cell_open()),
        ("Cell", cell_released()),
        ("Cell", cell_suppressed()),
        ("Cell", cell_open()),
        ("Overview", overview()),
    ]
}

fn assert_fails(name: &str, value: &Value, expect_in_message: &str) {
    match check(name, value) {
        Ok(()) => panic!("{name} accepted an invalid value:\n{value:#}"),
        Err(message) => assert!(
            message.contains(expect_in_message),
            "{name}: expected the error to mention {expect_in_message:?}, got:\n{message}"
        ),
    }
}

#[test]
fn openapi_document_parses_and_refs_resolve() {
    let doc = parsed();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "not an OpenAPI 3.1 document"
    );
    assert_eq!(doc["info"]["title"], "Spiegel API");
    assert_eq!(doc["info"]["version"], "1");
    assert_eq!(doc["servers"], json!([{"url": "/api/v1"}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let mut refs = Vec::new();
    collect_refs(doc, "#", &mut refs);
    assert!(!refs.is_empty());
    for (at, reference) in &refs {
        if let Err(e) = resolve(doc, reference) {
            panic!("{at}: {e}");
        }
    }

    for path in [
        "/teams",
        "/rounds",
        "/teams/{id}/rounds/{round}",
        "/teams/{id}/trend",
        "/overview",
        "/openapi.json",
    ] {
        response_schema(doc, path).unwrap_or_else(|e| panic!("{e}"));
    }
    // The document checks itself: its own endpoint serves a JSON object.
    check_response("/openapi.json", doc).unwrap();
}

#[test]
fn openapi_schemas_use_only_supported_keywords() {
    let mut problems = Vec::new();
    for (at, schema) in all_schemas() {
        walk_schemas(schema, &at, &mut |at, map| {
            for key in map.keys() {
                if !ENFORCED.contains(&key.as_str()) && !ANNOTATIONS.contains(&key.as_str()) {
                    problems.push(format!("{at}: keyword {key:?} is not supported"));
                }
            }
            let types: Vec<&Value> = match map.get("type") {
                Some(Value::Array(types)) => types.iter().collect(),
                Some(one) => vec![one],
                None => Vec::new(),
            };
            for name in types {
                let known = [
                    "null", "boolean", "object", "array", "number", "integer", "string",
                ];
                if !name.as_str().is_some_and(|name| known.contains(&name)) {
                    problems.push(format!("{at}: unknown type {name}"));
                }
            }
            // Every object in the API is closed, and requires only fields it
            // documents.
            if let Some(Value::Object(properties)) = map.get("properties") {
                if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                    problems.push(format!("{at}: object without additionalProperties: false"));
                }
                for name in map["required"].as_array().into_iter().flatten() {
                    if !name.as_str().is_some_and(|n| properties.contains_key(n)) {
                        problems.push(format!("{at}: required {name} is not a property"));
                    }
                }
            }
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn openapi_valid_examples_pass() {
    let examples = examples();
    let covered: BTreeSet<String> = examples.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        covered,
        schema_names(),
        "every schema needs an example here"
    );
    for (name, value) in &examples {
        if let Err(e) = check(name, value) {
            panic!("valid {name} rejected:\n{e}\n{value:#}");
        }
    }

    let responses = [
        (
            "/teams",
            json!([{"id": "support", "name": "Support", "parent": null}]),
        ),
        ("/teams", json!([])),
        ("/rounds", json!([round()])),
        ("/teams/{id}/rounds/{round}", released()),
        ("/teams/{id}/rounds/{round}", suppressed()),
        ("/teams/{id}/rounds/{round}", open()),
        ("/teams/{id}/rounds/{round}", pending()),
        ("/teams/{id}/trend", trend()),
        ("/overview", overview()),
    ];
    for (path, value) in &responses {
        if let Err(e) = check_response(path, value) {
            panic!("valid response of GET {path} rejected:\n{e}");
        }
    }
}

#[test]
fn openapi_embedded_examples_are_valid() {
    let mut seen = 0;
    for (name, schema) in parsed()["components"]["schemas"].as_object().unwrap() {
        for example in schema["examples"].as_array().into_iter().flatten() {
            seen += 1;
            if let Err(e) = check(name, example) {
                panic!("the documented example of {name} is invalid:\n{e}");
            }
        }
    }
    assert!(seen > 0);
}

#[test]
fn openapi_rejects_unknown_field() {
    let mut value = released();
    value["median"] = json!(5.0);
    assert_fails("TeamRoundResult", &value, "'median' was unexpected");

    let mut value = released();
    value["items"][0]["histogram"] = json!([0, 1, 2, 3, 1, 1, 0]);
    assert_fails("TeamRoundResult", &value, "'histogram' was unexpected");

    let mut value = released();
    value["overall"]["min"] = json!(1);
    assert_fails(
        "TeamRoundReleased",
        &value,
        "$.overall: Additional properties are not allowed ('min' was unexpected)",
    );

    let value = json!({"id": "a", "name": "A", "parent": null, "manager": "x"});
    assert_fails("Team", &value, "'manager' was unexpected");
    assert!(check_response("/teams", &json!([value])).is_err());

    let value = json!({"error": "not found", "exists": true});
    assert_fails("Error", &value, "'exists' was unexpected");

    // One reason for every hidden result: a reason per cause bounds counts.
    for old in ["too_few_answers", "protects_smaller_group"] {
        let mut value = suppressed();
        value["reason"] = json!(old);
        assert_fails("TeamRoundSuppressed", &value, "$.reason");
    }
}

#[test]
fn openapi_rejects_missing_required_field() {
    for field in [
        "status",
        "round",
        "team",
        "k",
        "respondents",
        "overall",
        "agreement",
        "scale_points",
        "reversed_items",
    ] {
        let mut value = released();
        value.as_object_mut().unwrap().remove(field);
        assert_fails(
            "TeamRoundReleased",
            &value,
            &format!("{field:?} is a required property"),
        );
        assert!(check("TeamRoundResult", &value).is_err(), "{field}");
    }
    let mut value = round();
    value.as_object_mut().unwrap().remove("closes_on");
    assert_fails("Round", &value, "\"closes_on\" is a required property");

    let mut value = suppressed();
    value.as_object_mut().unwrap().remove("reason");
    assert_fails(
        "TeamRoundResult",
        &value,
        "\"reason\" is a required property",
    );

    let mut value = overview();
    value.as_object_mut().unwrap().remove("cells");
    assert_fails("Overview", &value, "\"cells\" is a required property");
}

#[test]
fn openapi_rejects_wrong_type() {
    let mut value = released();
    value["respondents"] = json!("8");
    assert_fails(
        "TeamRoundReleased",
        &value,
        "$.respondents: \"8\" is not of type integer",
    );

    let mut value = released();
    value["respondents"] = json!(8.0);
    assert_fails(
        "TeamRoundReleased",
        &value,
        "$.respondents: 8.0 is not of type integer",
    );

    let mut value = released();
    value["score"] = Value::Null;
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.score: null is not of type number",
    );

    let mut value = round();
    value["opened_on"] = Value::Null;
    assert_fails("Round", &value, "$.opened_on: null is not of type string");

    let mut value = round();
    value["state"] = json!("released");
    assert_fails("Round", &value, "$.state: \"released\" is not one of");

    let mut value = suppressed();
    value["reason"] = json!("because");
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.reason: \"because\" is not one of",
    );

    assert_fails("Team", &json!([]), "$: [] is not of type object");
    assert!(check_response("/teams", &json!({"teams": []})).is_err());
    assert!(check_response("/teams/{id}/trend", &json!([])).is_err());
}

#[test]
fn openapi_rejects_numbers_on_suppressed_result() {
    for (field, number) in [
        ("respondents", json!(4)),
        ("score", json!(4.2)),
        ("participation_band", json!("30–40 %")),
        ("overall", figure()),
        ("k_reached", json!(false)),
        ("comments", json!(["x"])),
    ] {
        let mut value = suppressed();
        value[field] = number.clone();
        assert_fails(
            "TeamRoundSuppressed",
            &value,
            &format!("'{field}' was unexpected"),
        );
        assert_fails(
            "TeamRoundResult",
            &value,
            "matches none of the 4 alternatives",
        );

        let mut in_trend = trend();
        in_trend["rounds"][0][field] = number;
        assert!(
            check_response("/teams/{id}/trend", &in_trend).is_err(),
            "{field}"
        );
    }

    // Nor may a round pending the advisor's release.
    for (field, number) in [
        ("respondents", json!(4)),
        ("score", json!(4.2)),
        ("reason", json!("hidden_to_protect_anonymity")),
        ("k_reached", json!(true)),
    ] {
        let mut value = pending();
        value[field] = number;
        assert_fails(
            "TeamRoundPending",
            &value,
            &format!("'{field}' was unexpected"),
        );
        assert!(check("TeamRoundResult", &value).is_err(), "{field}");
    }

    // Neither may a round that is still open carry numbers.
    let mut value = open();
    value["respondents"] = json!(3);
    assert_fails("TeamRoundResult", &value, "'respondents' was unexpected");

    // A suppressed item or dimension of a released result carries no figures.
    let mut value = released();
    value["items"][1]["n"] = json!(2);
    assert_fails("TeamRoundResult", &value, "$.items[1]");
    let mut value = released();
    value["dimensions"][0] = json!({"id": "speaking-up", "status": "suppressed", "mean": 3.0});
    assert_fails("TeamRoundResult", &value, "$.dimensions[0]");

    // And neither does a suppressed or open cell of the overview.
    let mut value = cell_suppressed();
    value["respondents"] = json!(2);
    assert_fails("Cell", &value, "matches none");
    let mut value = cell_open();
    value["score"] = json!(4.0);
    assert_fails("Cell", &value, "matches none");
}

#[test]
fn openapi_rejects_values_out_of_range() {
    let mut value = released();
    value["respondents"] = json!(2);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.respondents: 2 is less than the minimum of 3",
    );

    let mut value = suppressed();
    value["k"] = json!(2);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.k: 2 is less than the minimum of 3",
    );

    let mut value = released();
    value["overall"]["ci"] = json!([4.6, 5.0, 6.2]);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.overall.ci: [4.6,5.0,6.2] has more than 2 items",
    );

    let mut value = released();
    value["items"][0]["ci"] = json!([4.6]);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.items[0].ci: [4.6] has less than 2 items",
    );

    let mut value = released();
    value["overall"]["shares"]["favourable"] = json!(1.5);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.overall.shares.favourable: 1.5 is greater than the maximum of 1",
    );

    let mut value = released();
    value["strengths"] = json!(["q1", "q2", "q3"]);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.strengths: [\"q1\",\"q2\",\"q3\"] has more than 2 items",
    );

    let mut value = released();
    value["agreement"]["rwg_j"] = json!(-0.1);
    assert_fails(
        "TeamRoundResult",
        &value,
        "$.agreement.rwg_j: -0.1 is less than the minimum of 0",
    );

    let mut value = released();
    value["status"] = json!("closed");
    assert_fails("TeamRoundResult", &value, "matches none");
}

#[test]
fn openapi_errors_name_every_mismatch_and_its_path() {
    let mut value = trend();
    value["rounds"][1]["items"][0]["mean"] = json!("high");
    value["rounds"][1]["extra"] = json!(1);
    value["team"]["name"] = json!(3);
    let message = check_response("/teams/{id}/trend", &value).unwrap_err();
    for expected in [
        "$.team.name: 3 is not of type string",
        "$.rounds[1]: Additional properties are not allowed ('extra' was unexpected)",
        "$.rounds[1].items[0].mean: \"high\" is not of type number",
        "closest: TeamRoundReleased",
    ] {
        assert!(
            message.contains(expected),
            "missing {expected:?} in:\n{message}"
        );
    }

    let mut value = cell_released();
    value["team"] = json!(1);
    value["round"] = json!("7");
    let message = check("Cell", &value).unwrap_err();
    assert!(
        message.contains("$.team: 1 is not of type string"),
        "{message}"
    );
    assert!(
        message.contains("$.round: \"7\" is not of type integer"),
        "{message}"
    );
}

#[test]
fn openapi_unknown_names_are_errors() {
    assert!(check("NoSuchSchema", &json!({})).is_err());
    assert!(check_response("/teams/{id}/nothing", &json!({})).is_err());
    assert!(check_response("/api/v1/teams", &json!([])).is_err());
}
