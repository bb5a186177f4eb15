"""The Efron-ties Cox fit for a single 0/1 covariate (the group), vectorised, for pilotbook.stats.survival."""

from __future__ import annotations

import math

import numpy as np


def _cox_one_binary_covariate(
    time: np.ndarray, event: np.ndarray, in_arm: np.ndarray
) -> tuple[float, float, np.ndarray]:
    """The same Efron-ties Cox fit as statsmodels' PHReg, for a single 0/1 covariate, vectorised.

    PHReg loops over distinct event times in Python (about 40 s for 100,000 rows with continuous times);
    with one binary covariate everything it needs is the number at risk and the events in each group at
    each event time. Tests check that both give the same answer.
    Returns log hazard ratio, its standard error and Schoenfeld residuals (NaN where not defined).
    """
    event_times, d_all = np.unique(time[event], return_counts=True)
    d_arm = np.bincount(np.searchsorted(event_times, time[event & in_arm]), minlength=event_times.size)
    at_risk = [g.size - np.searchsorted(np.sort(g), event_times, side="left") for g in (time[~in_arm], time[in_arm])]
    # Efron: the l-th of d tied events sees the risk set less l/d of the people who had the event then.
    which = np.repeat(np.arange(event_times.size), d_all)
    share = (np.arange(which.size) - np.repeat(np.cumsum(d_all) - d_all, d_all)) / d_all[which]
    a_control = at_risk[0][which] - share * (d_all - d_arm)[which]
    a_arm = at_risk[1][which] - share * d_arm[which]
    beta = 0.0
    for _ in range(100):
        weight = a_arm * math.exp(beta)
        score = d_arm.sum() - np.sum(weight / (a_control + weight))
        information = np.sum(a_control * weight / (a_control + weight) ** 2)
        step = score / information
        beta += step
        if abs(step) < 1e-12 or not math.isfinite(beta):
            break
    weight = a_arm * math.exp(beta)
    information = np.sum(a_control * weight / (a_control + weight) ** 2)
    # Schoenfeld residual of an event: its covariate less the risk set's weighted mean (as PHReg computes).
    risk_mean = at_risk[1] * math.exp(beta) / (at_risk[0] + at_risk[1] * math.exp(beta))
    residuals = np.full(time.size, np.nan)
    residuals[event] = in_arm[event] - risk_mean[np.searchsorted(event_times, time[event])]
    return beta, 1 / math.sqrt(information), residuals
