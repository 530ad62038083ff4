//! Templates of config files (Helm charts, Jinja and Ansible `*.j2`,
//! cookiecutter and copier projects): text that becomes configuration once
//! rendered. They are not parsed as the format they render to, so a template
//! is never `invalid-config`; a change to one is judged by its tokens.

/// Whether `path` names a template: a path part holding `{{` (cookiecutter,
/// copier), a template suffix (`.j2`, `.jinja`, `.jinja2`, `.tpl`,
/// `.tmpl`), or a YAML file under a Helm chart's `templates/` directory. A
/// chart's `values.yaml` is plain YAML.
pub fn is_template_path(path: &str) -> bool {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let name = parts.last().copied().unwrap_or_default();
    let suffix = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .unwrap_or_default();
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    let in_templates = parts.len() > 1 && parts[..parts.len() - 1].contains(&"templates");
    lower.contains("{{")
        || lower.contains("{%")
        || matches!(suffix, "j2" | "jinja" | "jinja2" | "tpl" | "tmpl")
        || (yaml && in_templates)
}

/// Whether `text` holds template syntax: `{{ … }}` or `{% … %}` (Jinja,
/// Go templates, Ansible, cookiecutter). GitHub's `${{ … }}` counts too.
pub fn holds_template_syntax(text: &str) -> bool {
    ["{{", "{%"].iter().any(|open| {
        text.match_indices(open).any(|(at, _)| {
            let close = if *open == "{{" { "}}" } else { "%}" };
            text[at + 2..]
                .lines()
                .next()
                .is_some_and(|rest| rest.contains(close))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_by_path() {
        for path in [
            "charts/api/templates/deployment.yaml",
            "deploy/roles/web/templates/nginx.conf.j2",
            "{{cookiecutter.project_slug}}/config.py",
            "project/{{ _copier_conf.answers_file }}.jinja",
            "template/settings.toml.jinja",
        ] {
            assert!(is_template_path(path), "{path}");
        }
        for path in [
            "charts/api/values.yaml",
            "config/app.yaml",
            "templates.yaml",
        ] {
            assert!(!is_template_path(path), "{path}");
        }
    }

    #[test]
    fn template_syntax_in_text() {
        assert!(holds_template_syntax(
            "replicas: {{ .Values.replicaCount }}\n"
        ));
        assert!(holds_template_syntax("{%- if x %}\na: 1\n{% endif %}\n"));
        assert!(!holds_template_syntax("a: \"{\"\nb: '}}'\n"));
        assert!(!holds_template_syntax("a: {b: {c: 1}}\n"));
    }
}
