"""赶超轨迹 Catch-up: our unit against its benchmarks — history, projection, what-if."""

import streamlit as st

from bxgc_metrics.metrics.projection import MODELS
from bxgc_metrics.tables.trajectory import WHAT_IF_MODELS, stated_rates
from bxgc_ui import data, fmt, links
from bxgc_ui.i18n import keyed, lang, listed
from bxgc_ui.names import names as unit_names
from bxgc_ui.views import catchup as view
from bxgc_ui.views.catchup import t
from bxgc_ui.widgets import chart_facts, demo_notice, empty_state

path, version = data.snapshot()
units, indicators = data.units(path, version), data.indicators(path, version)
st.title(t("catchup_title"))
if not data.has_observations(path, version):
    empty_state()
    st.stop()
demo_notice(units)
pairs = data.table(path, version, "benchmark_pairs")
names = unit_names(units)

view_link = links.View("catchup")
controls = st.container(key="controls")  # below the figures and the chart on a phone
left, middle, right = controls.columns(3)
chasers = view.chaser_options(units, pairs)
chaser = left.selectbox(
    t("catchup_chaser"),
    chasers,
    format_func=names.get,
    key=view_link.choice(
        "unit", keyed("cu_chaser"), options=chasers, default=chasers[0] if chasers else None
    ),
)
ind_names = data.built(
    ("cu_indicators", path, version, chaser),
    lambda: view.indicator_names(indicators, data.coverage(path, version), chaser),
)
if chaser is None or not ind_names:
    st.info(t("catchup_no_history"))
    st.stop()
default_ind, default_benches, default_target = view.pair_defaults(pairs, chaser, list(ind_names))
code = middle.selectbox(
    t("indicator"),
    list(ind_names),
    format_func=ind_names.get,
    key=view_link.choice(
        "indicator", keyed(f"cu_ind_{chaser}"), options=list(ind_names), default=default_ind
    ),
)
others = [u for u in names if u != chaser]
benches = right.multiselect(
    t("catchup_benchmarks"),
    others,
    format_func=names.get,
    key=view_link.choices(
        "bench", f"cu_bench_{chaser}@{lang()}", options=others, default=default_benches
    ),
)
view_link.keep("unit", chaser, default=chasers[0])
view_link.keep("indicator", code, default=default_ind)
view_link.keep("bench", benches, default=default_benches)
if not benches:
    view_link.publish()
    st.info(t("catchup_pick_benchmark"))
    st.stop()
ind = indicators.set_index("code").loc[code]
higher = ind["direction"] == "higher"
annual = data.annual(path, version, code, frequency=ind["frequency"])
base = view.base_year(annual, chaser, benches)
if base is None:
    view_link.publish()
    st.warning(t("catchup_no_history"))
    st.stop()
growth = view.growth_indicator(indicators, code)
stated = data.stated_of(path, version, code, growth=growth, units=(chaser, *benches))

tested = tuple(m for m in MODELS if m not in WHAT_IF_MODELS)
skill = data.skill_of(
    path, version, code, frequency=ind["frequency"], units=(chaser, *benches), models=tested
)
best = view.best_model(skill) or "plan"  # the model that has been right here
model = controls.pills(
    t("catchup_model"),
    list(MODELS),
    required=True,
    format_func=lambda m: t(f"model_{m}"),
    key=view_link.choice("model", "cu_model", options=list(MODELS), default=best, follows=True),
    help=t("catchup_model_help"),
)
view.show_skill(controls, skill, ind["measure"])
first_target = default_target if default_target and default_target > base else base + 3
target = controls.slider(
    t("catchup_target_year"),
    base + 1,
    base + 15,
    key=view_link.number(
        "target", f"cu_target_{chaser}_{code}", within=(base + 1, base + 15), default=first_target
    ),
)
view_link.keep("model", model, default=None)  # the best model moves with the data
view_link.keep("target", target, default=first_target)
slider = view.rate_slider(ind["measure"])
defaults = view.default_rates(
    annual, [chaser, *benches], stated_rates(stated, base), measure=ind["measure"]
)
rates = {u: v / slider.per for u, v in defaults.items()}
if model == "plan":  # the sliders are the plan model's rates and nothing else's
    s1, s2 = controls.columns(2)
    for column, unit, param, label in (
        (s1, chaser, "ours", t(slider.ours)),
        (s2, benches[0], "theirs", t(slider.theirs, name=fmt.md(names[benches[0]]))),
    ):
        key = view_link.number(
            param,
            f"cu_rate_{unit}_{code}",
            within=(slider.low, slider.high),
            default=defaults[unit],
        )
        shown = column.slider(
            label, slider.low, slider.high, step=slider.step, format=view.SLIDER_FORMAT, key=key
        )
        rates[unit] = shown / slider.per
        view_link.keep(param, round(shown, 4), default=defaults[unit])
view_link.publish()
with st.sidebar:
    view_link.link_box()
tr = data.trajectory_of(
    path,
    version,
    code,
    frequency=ind["frequency"],
    chaser=chaser,
    benchmarks=tuple(benches),
    model=model,
    target_year=target,
    rates=tuple(sorted(rates.items())),
    higher_is_better=higher,
    measure=ind["measure"],
)
first = tr.answers.iloc[0]
if model != "plan":
    st.caption(view.model_rates_text(first, model, names[benches[0]], measure=ind["measure"]))

# who is compared with whom, above the figures (on a phone the pickers are further down)
st.markdown(
    t(
        "catchup_pair",
        chaser=fmt.md(names[chaser]),
        benchmarks=listed(fmt.md(names[b]) for b in benches),
        indicator=fmt.md(ind_names[code]),
    )
)
view.show_headline(first, measure=ind["measure"], target=target, model=model)
for unit, status in tr.status.items():
    if status == "too_short" and model != "plan":
        n = int((annual["unit_code"] == unit).sum())
        st.caption(t("catchup_short", name=fmt.md(names[unit]), n=n, model=t(f"model_{model}")))

shown = view.Shown(
    path=path,
    version=version,
    indicator=code,
    indicator_name=ind_names[code],
    measure=ind["measure"],
    chaser=chaser,
    benchmarks=tuple(benches),
    model=model,
    base=base,
    target=target,
    rates=tuple(sorted(rates.items())),
)
period_text = view.chart_period(base, target, model)
facts = chart_facts(units, data.data_date(path, version), period=period_text, unit=names[chaser])
view.show_charts(tr, shown, names=names, stated=stated, facts=facts)

if stated["growth"].notna().any():
    audit = data.plan_audit_of(
        path, version, code, growth=growth, units=(chaser, *benches), higher=higher
    )
    view.show_plan_audit(audit, names, measure=ind["measure"])
