/// Pure analytics live here; later issues add Statistics/, Lifetime/, Forecasting/ and friends.
public enum CairnAnalytics {}
