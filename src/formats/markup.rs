//! Code blocks in Markdown and reStructuredText: which lines are code and in
//! which language, so each block is read in its own syntax (a Python
//! example's `password=password` is code, not a literal).

use super::FileType;

/// The code blocks of a document: 0-based line ranges (inclusive) and the
/// type each is written in. Lines outside every block are the document's.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CodeBlocks {
    blocks: Vec<(usize, usize, FileType)>,
}

impl CodeBlocks {
    /// The blocks of `text`, a file of type `file_type` (none for other types).
    pub fn of(file_type: FileType, text: &str) -> CodeBlocks {
        let blocks = match file_type {
            FileType::Markdown => markdown(text),
            FileType::Rst => rst(text),
            _ => Vec::new(),
        };
        CodeBlocks { blocks }
    }

    /// The type line `index` (0-based) is read as.
    pub fn type_of(&self, index: usize, file_type: FileType) -> FileType {
        self.blocks
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&index))
            .map_or(file_type, |(_, _, block)| *block)
    }
}

/// The type a fence's or directive's language names (`python`, `py`,
/// `pycon`, `js`, `yaml`, `toml`, …), from the file-type table; `Text` for an
/// unknown or missing one.
pub fn language(name: &str) -> FileType {
    let name = name.trim().to_ascii_lowercase();
    let name = name
        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .next()
        .unwrap_or_default();
    let alias = match name {
        "python" | "python3" | "pycon" | "ipython" | "py3" => "py",
        "javascript" | "node" => "js",
        "typescript" => "ts",
        "yml" => "yaml",
        "bash" | "console" | "shell" | "zsh" | "shell-session" => "sh",
        "dotenv" => "env",
        "docker" | "dockerfile" => return FileType::Dockerfile,
        "" => return FileType::Text,
        other => other,
    };
    FileType::of(&format!("block.{alias}"))
}

/// Fenced blocks: ```` ```lang ```` or `~~~lang` up to a closing fence of the
/// same character and at least the same length.
fn markdown(text: &str) -> Vec<(usize, usize, FileType)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, char, usize, FileType)> = None;
    for (index, line) in fence_lines(text) {
        let trimmed = line.trim_start();
        let fence_char = match trimmed.chars().next() {
            Some(c @ ('`' | '~')) => c,
            _ => continue,
        };
        let length = trimmed.chars().take_while(|&c| c == fence_char).count();
        if length < 3 {
            continue;
        }
        match open {
            Some((first, c, opened, block)) if c == fence_char && length >= opened => {
                if trimmed[length..].trim().is_empty() {
                    if first < index {
                        blocks.push((first, index - 1, block));
                    }
                    open = None;
                }
            }
            Some(_) => {}
            None => open = Some((index + 1, fence_char, length, language(&trimmed[length..]))),
        }
    }
    if let Some((first, _, _, block)) = open {
        blocks.push((first, usize::MAX, block));
    }
    blocks
}

/// The lines that may be fences (their first non-blank characters are
/// three backticks or tildes), with their 0-based numbers, as
/// `str::lines` would give them: found by searching for the runs, not by
/// walking every line of a long document.
fn fence_lines(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    for needle in [&b"```"[..], b"~~~"] {
        // Where the line of the last run seen starts; each line's prefix is
        // read once, so the search stays linear on a line full of runs.
        let (mut searched, mut line_start, mut judged) = (0, 0, None);
        for at in memchr::memmem::find_iter(bytes, needle) {
            if let Some(newline) = memchr::memrchr(b'\n', &bytes[searched..at]) {
                line_start = searched + newline + 1;
            }
            searched = at;
            if judged == Some(line_start) {
                continue;
            }
            judged = Some(line_start);
            if text[line_start..at].trim_start().is_empty() {
                starts.push(line_start);
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let (mut index, mut counted) = (0, 0);
    starts
        .into_iter()
        .map(|start| {
            index += memchr::memchr_iter(b'\n', &bytes[counted..start]).count();
            counted = start;
            let line = match memchr::memchr(b'\n', &bytes[start..]) {
                Some(end) => {
                    let line = &text[start..start + end];
                    line.strip_suffix('\r').unwrap_or(line)
                }
                None => &text[start..],
            };
            (index, line)
        })
        .collect()
}

/// `.. code-block:: lang` / `.. code:: lang` / `.. sourcecode:: lang`
/// directives and `::` literal blocks (Python, Sphinx's default): the
/// indented lines that follow.
fn rst(text: &str) -> Vec<(usize, usize, FileType)> {
    let mut blocks = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(block) = rst_opener(line) else {
            index += 1;
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let mut last = index;
        let mut next = index + 1;
        while next < lines.len() {
            let body = lines[next];
            let blank = body.trim().is_empty();
            if !blank && body.len() - body.trim_start().len() <= indent {
                break;
            }
            if !blank {
                last = next;
            }
            next += 1;
        }
        if last > index {
            blocks.push((index + 1, last, block));
        }
        index = next;
    }
    blocks
}

/// The language a line opens a code block in, if it does.
fn rst_opener(line: &str) -> Option<FileType> {
    let trimmed = line.trim();
    for directive in [".. code-block::", ".. code::", ".. sourcecode::"] {
        if let Some(rest) = trimmed.strip_prefix(directive) {
            let named = language(rest);
            return Some(if rest.trim().is_empty() {
                FileType::Python
            } else {
                named
            });
        }
    }
    let literal = trimmed.ends_with("::") && !trimmed.starts_with("..");
    literal.then_some(FileType::Python)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_fences_by_language() {
        let text = "# Title\npassword: x\n```Python hl_lines=\"3\"\na = 1\nb = 2\n```\n\n~~~yaml\nk: v\n~~~\n````\n```python\nnot a fence\n````\n";
        let blocks = CodeBlocks::of(FileType::Markdown, text);
        let types: Vec<FileType> = (0..14)
            .map(|i| blocks.type_of(i, FileType::Markdown))
            .collect();
        assert_eq!(types[1], FileType::Markdown);
        assert_eq!(types[3], FileType::Python);
        assert_eq!(types[4], FileType::Python);
        assert_eq!(types[5], FileType::Markdown);
        assert_eq!(types[8], FileType::Yaml);
        assert_eq!(types[12], FileType::Text);
    }

    /// The blocks as found by walking every line (before the fence search).
    fn markdown_by_every_line(text: &str) -> Vec<(usize, usize, FileType)> {
        let mut blocks = Vec::new();
        let mut open: Option<(usize, char, usize, FileType)> = None;
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let fence_char = match trimmed.chars().next() {
                Some(c @ ('`' | '~')) => c,
                _ => continue,
            };
            let length = trimmed.chars().take_while(|&c| c == fence_char).count();
            if length < 3 {
                continue;
            }
            match open {
                Some((first, c, opened, block)) if c == fence_char && length >= opened => {
                    if trimmed[length..].trim().is_empty() {
                        if first < index {
                            blocks.push((first, index - 1, block));
                        }
                        open = None;
                    }
                }
                Some(_) => {}
                None => open = Some((index + 1, fence_char, length, language(&trimmed[length..]))),
            }
        }
        if let Some((first, _, _, block)) = open {
            blocks.push((first, usize::MAX, block));
        }
        blocks
    }

    #[test]
    fn the_fence_search_finds_what_walking_every_line_finds() {
        let pieces = [
            "```", "````", "~~~", "``", "~~", "`", " ", "\u{3000}", "\t", "python", "yaml",
            " toml", "x", "\n", "\r\n", "\n\n", "ü", "```py```", "~~~~",
        ];
        let mut seed = 0x9E37_79B9_u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        let mut compared = 0;
        for _ in 0..4000 {
            let len = next() % 40;
            let text: String = (0..len).map(|_| pieces[next() % pieces.len()]).collect();
            let expected = markdown_by_every_line(&text);
            assert_eq!(markdown(&text), expected, "{text:?}");
            compared += usize::from(!expected.is_empty());
        }
        assert!(compared > 500, "too few texts with blocks: {compared}");
        let runs = format!("{}\n```\n", "`".repeat(300_000));
        assert_eq!(markdown(&runs), markdown_by_every_line(&runs));
    }

    #[test]
    fn rst_directives_and_literal_blocks() {
        let text = "Intro::\n\n    password = request.form['password']\n\nText again.\n\n.. code-block:: javascript\n\n   const token = useRoute()\n\nDone.\n";
        let blocks = CodeBlocks::of(FileType::Rst, text);
        assert_eq!(blocks.type_of(2, FileType::Rst), FileType::Python);
        assert_eq!(blocks.type_of(4, FileType::Rst), FileType::Rst);
        assert_eq!(blocks.type_of(8, FileType::Rst), FileType::JavaScript);
        assert_eq!(blocks.type_of(10, FileType::Rst), FileType::Rst);
    }

    #[test]
    fn languages_from_the_table() {
        assert_eq!(language("py"), FileType::Python);
        assert_eq!(language("tsx"), FileType::TypeScript);
        assert_eq!(language("toml"), FileType::Toml);
        assert_eq!(language("sql"), FileType::Sql);
        assert_eq!(language("dockerfile"), FileType::Dockerfile);
        assert_eq!(language(""), FileType::Text);
    }
}
