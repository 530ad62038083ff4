//! Whether a change to a file read without a key diff (a migration, a
//! Dockerfile, an nginx config) only reformats it: the same tokens, in the
//! same order, as the program that reads the file sees them. A formatter
//! run changes nothing that runs, so it needs no change record.

use crate::keydiff;

/// How a file's text splits into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Python: the interpreter's tokens (see `keydiff::python_token_stream`).
    Python,
    /// `#` comment lines, `\` line continuations, one instruction a line.
    Dockerfile,
    /// `--` and `/* */` comments; line breaks are spacing.
    Sql,
    /// `#` comments at the start of a word (nginx, Apache, crontab, shell).
    HashComments,
    /// Like `HashComments`, and a line's indentation is part of it (YAML
    /// templates).
    Indented,
    /// Unknown: only spacing is left out.
    Plain,
}

impl Syntax {
    pub fn of(path: &str) -> Syntax {
        let lower = path.replace('\\', "/").to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let ext = name.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
        if is_dockerfile(path) {
            return Syntax::Dockerfile;
        }
        let inner = name.trim_end_matches(".j2").trim_end_matches(".jinja");
        if [".yaml", ".yml", ".yaml.tpl", ".yml.tpl"]
            .iter()
            .any(|e| inner.ends_with(e))
        {
            return Syntax::Indented;
        }
        match ext {
            "py" | "pyi" => Syntax::Python,
            "sql" => Syntax::Sql,
            "conf" | "cron" | "sh" | "bash" | "vcl" | "cnf" => Syntax::HashComments,
            _ if name == "crontab" || name == "procfile" => Syntax::HashComments,
            _ => Syntax::Plain,
        }
    }
}

/// `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`.
pub fn is_dockerfile(path: &str) -> bool {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name == "dockerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
        || name == "containerfile"
}

/// Whether `old` and `new` hold the same tokens for a file at `path`.
/// Anything that cannot be tokenized is a change (fails closed).
pub fn only_reformatted(path: &str, old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    match Syntax::of(path) {
        Syntax::Python => match (
            keydiff::python_token_stream(old),
            keydiff::python_token_stream(new),
        ) {
            (Some(old), Some(new)) => old == new,
            _ => false,
        },
        syntax => words(old, syntax) == words(new, syntax),
    }
}

/// The text split into words at spacing outside quotes, comments left out.
/// A quoted part stays as written, quotes and spacing included, so `'a  b'`
/// and `"a b"` are different words. Where lines matter (everything but
/// SQL), the end of each line that holds a word is the word `\n`.
pub fn words(text: &str, syntax: Syntax) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut at_line_start = true;
    let mut indent = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if syntax == Syntax::Indented && at_line_start && word.is_empty() {
            if c.is_whitespace() && c != '\n' {
                indent += 1;
                i += 1;
                continue;
            }
            if c != '\n' && c != '#' {
                out.push(format!("{indent}>"));
            }
            indent = 0;
        }
        if let Some(end) = comment_end(&chars, i, syntax, at_line_start && word.is_empty()) {
            i = end;
            continue;
        }
        if syntax == Syntax::Dockerfile && c == '\\' && rest_of_line_is_blank(&chars, i + 1) {
            // A continuation: the instruction goes on.
            i = next_line(&chars, i);
            end_word(&mut word, &mut out);
            at_line_start = true;
            continue;
        }
        match c {
            '\n' => {
                end_word(&mut word, &mut out);
                if syntax != Syntax::Sql && out.last().is_some_and(|w| w != "\n") {
                    out.push("\n".to_string());
                }
                at_line_start = true;
                i += 1;
            }
            c if c.is_whitespace() => {
                end_word(&mut word, &mut out);
                i += 1;
            }
            '"' | '\'' | '`' => {
                let end = quote_end(&chars, i);
                word.extend(&chars[i..end]);
                at_line_start = false;
                i = end;
            }
            _ => {
                word.push(c);
                at_line_start = false;
                i += 1;
            }
        }
    }
    end_word(&mut word, &mut out);
    if out.last().is_some_and(|w| w == "\n") {
        out.pop();
    }
    out
}

fn end_word(word: &mut String, out: &mut Vec<String>) {
    if !word.is_empty() {
        out.push(std::mem::take(word));
    }
}

/// Where the comment starting at `i` ends (the line break stays), if one
/// starts there. A Dockerfile's parser directives (`# syntax=…`) are not
/// comments.
fn comment_end(chars: &[char], i: usize, syntax: Syntax, line_start: bool) -> Option<usize> {
    let c = chars[i];
    let starts_word = i == 0 || chars[i - 1].is_whitespace();
    let line_comment = match syntax {
        Syntax::Dockerfile => c == '#' && line_start && !is_directive(chars, i),
        Syntax::HashComments | Syntax::Indented => c == '#' && starts_word,
        Syntax::Sql => c == '-' && chars.get(i + 1) == Some(&'-'),
        Syntax::Python | Syntax::Plain => false,
    };
    if line_comment {
        return Some(line_end(chars, i));
    }
    if syntax == Syntax::Sql && c == '/' && chars.get(i + 1) == Some(&'*') {
        let close = (i + 2..chars.len().saturating_sub(1))
            .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
            .map_or(chars.len(), |j| j + 2);
        return Some(close);
    }
    None
}

fn is_directive(chars: &[char], i: usize) -> bool {
    let line: String = chars[i + 1..line_end(chars, i)].iter().collect();
    let line = line.trim_start().to_ascii_lowercase();
    ["syntax", "escape", "check"].iter().any(|d| {
        line.strip_prefix(d)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

fn line_end(chars: &[char], i: usize) -> usize {
    (i..chars.len())
        .find(|&j| chars[j] == '\n')
        .unwrap_or(chars.len())
}

/// The position after the line break that ends the line holding `i`.
fn next_line(chars: &[char], i: usize) -> usize {
    (line_end(chars, i) + 1).min(chars.len())
}

fn rest_of_line_is_blank(chars: &[char], from: usize) -> bool {
    chars[from.min(chars.len())..line_end(chars, from.min(chars.len()))]
        .iter()
        .all(|c| c.is_whitespace())
}

/// The position after the quote that closes the one at `i` (a backslash
/// escapes the next character outside single quotes); the end of the text
/// when it is never closed.
fn quote_end(chars: &[char], i: usize) -> usize {
    let quote = chars[i];
    let mut j = i + 1;
    while j < chars.len() {
        if chars[j] == '\\' && quote != '\'' {
            j += 2;
            continue;
        }
        if chars[j] == quote {
            return j + 1;
        }
        j += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatter_runs_are_not_changes() {
        let same = [
            (
                "app/migrations/0002_user.py",
                "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('app', '0001_initial')]\n    operations = [migrations.AddField(model_name='user', name='age', field=models.IntegerField(default=0))]\n",
                "# Generated by Django 5.0\nfrom django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    \"\"\"Adds the age.\"\"\"\n\n    dependencies = [\n        (\"app\", \"0001_initial\"),\n    ]\n    operations = [\n        migrations.AddField(\n            model_name=\"user\",\n            name=\"age\",\n            field=models.IntegerField(default=0),\n        ),\n    ]\n",
            ),
            (
                "alembic/versions/1a2b_add.py",
                "def upgrade():\n  op.add_column('user', sa.Column('age', sa.Integer()))\n",
                "def upgrade():\n    # the age, for the report\n    op.add_column(\n        \"user\", sa.Column(\"age\", sa.Integer())\n    )\n",
            ),
            (
                "Dockerfile",
                "FROM python:3.12\nRUN pip install a b && \\\n    rm -rf /tmp/x\nCMD [\"uvicorn\", \"app:app\"]\n",
                "# build\nFROM   python:3.12\n\nRUN pip install a b \\\n    && rm -rf /tmp/x\nCMD [\"uvicorn\", \"app:app\"]   \n",
            ),
            (
                "db/migrations/0003.sql",
                "ALTER TABLE users ADD COLUMN age int; -- ages\n",
                "/* add the age */\nALTER TABLE users\n  ADD COLUMN age int;\n",
            ),
            (
                "charts/api/templates/deployment.yaml",
                "spec:\n  replicas: {{ .Values.replicaCount }}\n",
                "# replicas\nspec:\n  replicas: {{ .Values.replicaCount }}   \n\n",
            ),
            (
                "deploy/nginx.conf",
                "server { listen 80; }\n",
                "# the site\nserver {   listen 80; }  # port\n",
            ),
        ];
        for (path, old, new) in same {
            assert!(only_reformatted(path, old, new), "{path}");
        }
    }

    #[test]
    fn what_runs_differently_is_a_change() {
        let changed = [
            // Indentation moves a statement out of its block.
            (
                "m/migrations/1.py",
                "if a:\n    b()\n    c()\n",
                "if a:\n    b()\nc()\n",
            ),
            ("m/migrations/1.py", "x = ('a',)\n", "x = ('a')\n"),
            ("m/migrations/1.py", "x = y['a',]\n", "x = y['a']\n"),
            ("m/migrations/1.py", "x = 'a  b'\n", "x = 'a b'\n"),
            ("m/migrations/1.py", "x = f'{a}'\n", "x = f\"{b}\"\n"),
            ("m/migrations/1.py", "x = (\n", "x = 1\n"),
            ("Dockerfile", "RUN a\nRUN b\n", "RUN a b\n"),
            ("Dockerfile", "RUN echo 'a  b'\n", "RUN echo 'a b'\n"),
            (
                "Dockerfile",
                "# syntax=docker/dockerfile:1\nFROM a\n",
                "FROM a\n",
            ),
            ("Dockerfile", "RUN x=1\n", "RUN x = 1\n"),
            ("db/1.sql", "SELECT 'a -- b';\n", "SELECT 'a';\n"),
            ("deploy/app.conf", "a b#c\n", "a b\n"),
            ("notes/crontab.txt", "# x\n", "y\n"),
            (
                "charts/api/templates/deployment.yaml",
                "spec:\n  replicas: 1\n  x: 2\n",
                "spec:\n  replicas: 1\nx: 2\n",
            ),
        ];
        for (path, old, new) in changed {
            assert!(
                !only_reformatted(path, old, new),
                "{path}: {old:?} -> {new:?}"
            );
        }
        // Unchanged trailing commas where they are style.
        assert!(only_reformatted(
            "m/migrations/1.py",
            "f(a, b,)\nx = [1,]\n",
            "f(a, b)\nx = [1]\n"
        ));
    }
}
