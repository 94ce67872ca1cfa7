#!/usr/bin/env python3
"""The reference for Cairn's customer-value fit and scoring: lifetimes (BG/NBD and Gamma-Gamma) on the same summary.

Used by `cairn bench` (never by the product). Input: a CSV with a header `frequency,recency,T,monetary_value` (days;
the mean repeat spend, 0 without a repeat purchase) and the horizon in months with the monthly discount. Output (JSON
on stdout): lifetimes' parameters, its log-likelihood in Cairn's terms (the sum, not the mean), and the seconds each
step took after loading: the BG/NBD fit, the Gamma-Gamma fit, and scoring every customer (expected purchases in 90 and
365 days, P(alive), the discounted value over the horizon); with the process's peak resident memory."""
import json
import resource
import sys
import time
import warnings


def peak_mib():
    """This process's peak resident memory (VmHWM, which starts afresh at exec; getrusage's maximum carries over the
    parent's across exec on Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main():
    path, months, discount = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    out = {}
    try:
        import lifetimes
        import numpy as np
        import pandas as pd
        out["version"] = lifetimes.__version__
    except Exception as error:  # not installed
        print(json.dumps({"error": f"lifetimes is not installed: {error}"}))
        return
    warnings.simplefilter("ignore")
    data = pd.read_csv(path)
    started = time.perf_counter()
    bgf = lifetimes.BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    out["fitSeconds"] = time.perf_counter() - started
    params = bgf.params_
    out["bgnbd"] = {"r": float(params["r"]), "alpha": float(params["alpha"]), "a": float(params["a"]), "b": float(params["b"])}
    weights = np.ones(len(data))
    log_params = np.log(np.array([params["r"], params["alpha"], params["a"], params["b"]]))
    out["logLikelihood"] = float(-lifetimes.BetaGeoFitter._negative_log_likelihood(
        log_params, data["frequency"].values, data["recency"].values, data["T"].values, weights, 0) * len(data))
    repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
    started = time.perf_counter()
    ggf = lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    out["spendFitSeconds"] = time.perf_counter() - started
    out["gammaGamma"] = {"p": float(ggf.params_["p"]), "q": float(ggf.params_["q"]), "gamma": float(ggf.params_["v"])}
    started = time.perf_counter()
    f, r, t = data["frequency"], data["recency"], data["T"]
    e90 = bgf.conditional_expected_number_of_purchases_up_to_time(90, f, r, t)
    e365 = bgf.conditional_expected_number_of_purchases_up_to_time(365, f, r, t)
    alive = bgf.conditional_probability_alive(f, r, t)
    value = ggf.customer_lifetime_value(bgf, f, r, t, data["monetary_value"].where(f > 0, 1.0), time=months, discount_rate=discount, freq="D")
    out["scoreSeconds"] = time.perf_counter() - started
    out["totals"] = {"expected90": float(np.sum(e90)), "expected365": float(np.sum(e365)), "alive": float(np.sum(alive)), "value": float(np.sum(value))}
    out["peakMiB"] = peak_mib()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
