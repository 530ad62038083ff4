//! The policy as committed: `.confgate.toml` / `[tool.confgate]` and the
//! baseline read from a tree (HEAD, the index, a commit's parent), parsed
//! into plans once per distinct content.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;

use crate::config::gitleaks::{self, Gitleaks, GitleaksTexts};
use crate::config::plan::Plan;
use crate::config::settings::{self, Layer, Layers};
use crate::detect::baseline::Baseline;
use crate::git::{BlobId, PolicyIds, PolicyTexts, Repo, Side, POLICY_FILES};

/// The policy of one tree: the plan that judges a change, and the parts a
/// change to the policy is compared on.
pub struct Policy {
    pub ids: PolicyIds,
    /// Built-in defaults, the project's layer, then `--config`.
    pub plan: Arc<Plan>,
    /// Built-in defaults and the project's layer only: what the repository
    /// itself says, compared when a commit changes it.
    pub committed_plan: Arc<Plan>,
    pub baseline: Option<Arc<Baseline>>,
}

/// Reads policies from trees, caching every step by blob id and content, so
/// a range of commits that never touches the policy parses it once.
pub struct PolicyLoader {
    defaults: Layer,
    extra: Option<Layer>,
    by_ids: HashMap<PolicyIds, Arc<Policy>>,
    /// Plans by the project layer's canonical text (`None`: no layer), so a
    /// `pyproject.toml` edited outside `[tool.confgate]` reuses its plan.
    plans: HashMap<PlanKey, (Arc<Plan>, Arc<Plan>)>,
    /// Baselines by their blob id (the other two ids `None`).
    baselines: HashMap<PolicyIds, Arc<Baseline>>,
}

/// What a plan is built from: the project layer's canonical text, the
/// gitleaks config (path and text) and `.gitleaksignore`.
type PlanKey = (Option<String>, Option<(String, String)>, Option<String>);

/// Where a tree's policy files come from, for messages: ` (HEAD)`.
pub fn origin(side: Side) -> String {
    match side {
        Side::Head => " (HEAD)".to_string(),
        Side::Index => " (staged)".to_string(),
        Side::Commit(id) => format!(" (at {})", &id.to_string()[..10]),
    }
}

impl PolicyLoader {
    /// `extra` is the `--config` layer, applied on top of every tree's policy.
    pub fn new(extra: Option<Layer>) -> Result<PolicyLoader> {
        Ok(PolicyLoader {
            defaults: settings::parse_layer("rules/config.toml (built in)", settings::DEFAULTS)?,
            extra,
            by_ids: HashMap::new(),
            plans: HashMap::new(),
            baselines: HashMap::new(),
        })
    }

    /// The policy of a tree. `None` is the empty tree (before the first
    /// commit, the parent of a root commit): the built-in defaults.
    pub fn at(&mut self, repo: &Repo, side: Option<Side>) -> Result<Arc<Policy>> {
        let ids = match side {
            Some(side) => repo.policy_ids(side)?,
            None => PolicyIds::default(),
        };
        self.for_ids(repo, ids, side.map(origin).unwrap_or_default())
    }

    /// The policy for known blob ids.
    pub fn for_ids(&mut self, repo: &Repo, ids: PolicyIds, origin: String) -> Result<Arc<Policy>> {
        if let Some(policy) = self.by_ids.get(&ids) {
            return Ok(policy.clone());
        }
        let [dotfile, pyproject, baseline_id, gitleaks_id, ignore_id] = ids.0;
        let texts = repo.policy_texts(&PolicyIds([
            dotfile,
            pyproject,
            None,
            gitleaks_id,
            ignore_id,
        ]))?;
        let PolicyTexts([dotfile_text, pyproject_text, _, gitleaks_text, ignore_text]) = texts;
        let gitleaks_path =
            gitleaks::configured_path(dotfile_text.as_deref(), pyproject_text.as_deref())
                .unwrap_or_else(|| gitleaks::CONFIG_FILE.to_string());
        let gitleaks_texts = GitleaksTexts {
            config: gitleaks_text.map(|text| (gitleaks_path, text)),
            ignore: ignore_text,
            origin: origin.clone(),
        };
        let key = (
            project_key(dotfile_text.as_deref(), pyproject_text.as_deref(), &origin)?,
            gitleaks_texts.config.clone(),
            gitleaks_texts.ignore.clone(),
        );
        let (plan, committed_plan) = match self.plans.get(&key) {
            Some(plans) => plans.clone(),
            None => {
                let project = settings::project_layer_from(
                    dotfile_text.as_deref(),
                    pyproject_text.as_deref(),
                    &origin,
                )?;
                let plans = self.build(project, Gitleaks::load(&gitleaks_texts)?)?;
                self.plans.insert(key, plans.clone());
                plans
            }
        };
        let baseline = self.baseline(repo, baseline_id, &origin)?;
        let policy = Arc::new(Policy {
            ids,
            plan,
            committed_plan,
            baseline,
        });
        self.by_ids.insert(ids, policy.clone());
        Ok(policy)
    }

    /// The baseline of blob `id`, parsed once.
    fn baseline(
        &mut self,
        repo: &Repo,
        id: Option<BlobId>,
        origin: &str,
    ) -> Result<Option<Arc<Baseline>>> {
        let Some(id) = id else {
            return Ok(None);
        };
        let key = PolicyIds([None, None, Some(id), None, None]);
        if let Some(baseline) = self.baselines.get(&key) {
            return Ok(Some(baseline.clone()));
        }
        let texts = repo.policy_texts(&key)?;
        let text = texts.0[2].clone().unwrap_or_default();
        let name = format!("{}{origin}", POLICY_FILES[2]);
        let baseline = Arc::new(Baseline::parse(&name, &text)?);
        self.baselines.insert(key, baseline.clone());
        Ok(Some(baseline))
    }

    fn build(&self, project: Option<Layer>, gitleaks: Gitleaks) -> Result<(Arc<Plan>, Arc<Plan>)> {
        let mut layers = vec![self.defaults.clone()];
        layers.extend(project);
        let committed = Arc::new(Plan::build_with(
            &Layers::new(layers.clone()),
            gitleaks.clone(),
        )?);
        let Some(extra) = &self.extra else {
            return Ok((committed.clone(), committed));
        };
        layers.push(extra.clone());
        Ok((
            Arc::new(Plan::build_with(&Layers::new(layers), gitleaks)?),
            committed,
        ))
    }
}

/// What a plan depends on in the project's files: the dotfile's text, or the
/// `[tool.confgate]` table re-serialised.
fn project_key(
    dotfile: Option<&str>,
    pyproject: Option<&str>,
    origin: &str,
) -> Result<Option<String>> {
    if let Some(text) = dotfile {
        return Ok(Some(format!("dotfile\n{text}")));
    }
    let Some(text) = pyproject else {
        return Ok(None);
    };
    let section = settings::pyproject_section(text, origin)?;
    Ok(section.map(|value| format!("pyproject\n{value}")))
}

/// The working-tree policy files that differ from HEAD's and are therefore
/// not used by a hook (untracked, modified, ignored or symlinked): a line
/// saying so. `pyproject.toml` counts only when its
/// `[tool.confgate]` differs. A file staged as it is in the working tree is
/// the change being committed: the line says when it applies instead.
pub fn worktree_notice(
    repo: &Repo,
    head: &PolicyIds,
    staged: Option<&PolicyIds>,
) -> Result<Vec<String>> {
    let here = repo.worktree_policy_ids()?;
    let mut unused = Vec::new();
    let mut committing = Vec::new();
    for (index, name) in POLICY_FILES.iter().enumerate() {
        let (Some(mine), theirs) = (here.0[index], head.0[index]) else {
            continue;
        };
        if Some(mine) == theirs {
            continue;
        }
        if index == 1 {
            let ours = repo.read_worktree_policy(name)?;
            let committed = repo
                .policy_texts(&PolicyIds([None, theirs, None, None, None]))?
                .0[1]
                .clone();
            let section = |text: Option<&str>| {
                text.map(|text| settings::pyproject_section(text, "").ok().flatten())
                    .unwrap_or_default()
            };
            if section(ours.as_deref()) == section(committed.as_deref()) {
                continue;
            }
        }
        if staged.is_some_and(|ids| ids.0[index] == Some(mine)) {
            committing.push(*name);
        } else {
            unused.push(*name);
        }
    }
    let mut lines = Vec::new();
    if !unused.is_empty() {
        lines.push(format!(
            "{} in the working tree differ{} from HEAD and {} not used: hooks judge a commit by the policy committed at HEAD (commit the change, with a record, to put it in force)",
            unused.join(", "),
            if unused.len() == 1 { "s" } else { "" },
            if unused.len() == 1 { "is" } else { "are" },
        ));
    }
    if !committing.is_empty() {
        lines.push(format!(
            "the staged change to {} is judged by the policy committed at HEAD, and applies from the next commit on",
            committing.join(", ")
        ));
    }
    Ok(lines)
}
