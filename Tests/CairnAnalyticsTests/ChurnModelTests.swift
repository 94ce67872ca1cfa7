@testable import CairnAnalytics
import Foundation
import Testing

/// The churn model's pieces: logistic regression with an L2 penalty and the checks of a classifier, against
/// scikit-learn 1.9.1 on the same data (outside the code under test).
@Suite("Logistic regression and classifier checks, against scikit-learn")
struct ChurnModelTests {
    /// 60 rows of three features (normal, binary, exponential) with labels drawn from a logistic model (NumPy, seed 7).
    static let rows: [[Double]] = [
        [0.001, 0.0, 10.767],
        [0.299, 1.0, 0.939],
        [-0.274, 1.0, 4.139],
        [-0.891, 1.0, 0.294],
        [-0.455, 1.0, 5.483],
        [-0.992, 0.0, 0.029],
        [0.06, 1.0, 1.717],
        [1.34, 0.0, 0.184],
        [-0.492, 0.0, 0.372],
        [-0.62, 0.0, 3.183],
        [0.49, 0.0, 5.299],
        [0.357, 0.0, 1.357],
        [0.105, 1.0, 2.909],
        [-0.93, 0.0, 2.165],
        [-0.029, 0.0, 0.954],
        [0.695, 1.0, 4.462],
        [-1.344, 1.0, 3.677],
        [-0.458, 0.0, 0.683],
        [-1.901, 0.0, 1.45],
        [-1.29, 1.0, 2.297],
        [-1.842, 0.0, 2.296],
        [-0.235, 0.0, 0.165],
        [-1.267, 0.0, 10.578],
        [0.271, 1.0, 0.009],
        [0.157, 0.0, 2.81],
        [-0.187, 1.0, 2.568],
        [-2.517, 1.0, 0.569],
        [-0.539, 0.0, 1.358],
        [-0.049, 1.0, 0.745],
        [0.113, 1.0, 0.033],
        [-1.53, 0.0, 1.614],
        [-0.478, 1.0, 2.399],
        [-0.979, 1.0, 2.297],
        [-0.809, 1.0, 8.919],
        [1.061, 1.0, 0.337],
        [-0.808, 1.0, 0.381],
        [-0.033, 0.0, 1.168],
        [0.884, 0.0, 0.426],
        [-0.584, 1.0, 1.105],
        [-0.112, 0.0, 5.586],
        [0.11, 1.0, 2.684],
        [0.064, 1.0, 1.197],
        [-1.225, 0.0, 1.496],
        [0.076, 1.0, 11.699],
        [1.359, 0.0, 1.093],
        [-1.547, 0.0, 2.262],
        [0.859, 0.0, 3.762],
        [0.119, 1.0, 2.496],
        [-0.641, 1.0, 2.423],
        [2.0, 1.0, 3.302],
        [0.762, 1.0, 0.499],
        [-1.199, 1.0, 1.211],
        [0.075, 0.0, 2.74],
        [0.577, 0.0, 1.355],
        [-0.189, 1.0, 4.419],
        [0.683, 0.0, 0.221],
        [-0.067, 0.0, 1.095],
        [0.667, 0.0, 0.691],
        [1.439, 1.0, 2.153],
        [-0.676, 0.0, 0.957]
    ]
    static let labels: [Bool] = [true, false, false, false, false, false, true, true, true, true, true, false, true, false, true, true, false, true, false, false, false, false, true, true, true, false, false, false, true, false, false, false, false, true, true, true, true, true, false, true, true, true, false, true, true, true, true, false, false, true, false, false, true, true, true, false, false, false, true, true]

    /// scikit-learn's `LogisticRegression(C=1)` on the features standardised with the sample standard deviation (its
    /// penalty ½‖w‖² against C · Σ log-loss is ours with λ = 1/C; the intercept free): intercept 0.204552, coefficients
    /// 1.091469, −0.403454, 0.841288; P(y | row 0) 0.972235, row 5 0.244302; AUC over the rows 0.818080.
    @Test("The penalised fit, its probabilities and the AUC equal scikit-learn's")
    func fit() throws {
        let model = LogisticRegression.fit(Self.rows, Self.labels, names: ["a", "b", "c"])
        for (ours, theirs) in zip(model.coefficients, [0.20455194876290222, 1.091468780210416, -0.40345439338729994, 0.841287626179437]) {
            #expect(abs(ours - theirs) < 1e-6, "\(model.coefficients)")
        }
        #expect(abs(model.probability(Self.rows[0]) - 0.9722345140216104) < 1e-6 && abs(model.probability(Self.rows[5]) - 0.24430191410945695) < 1e-6)
        let auc = try #require(ClassifierCheck.auc(Self.rows.map(model.probability), Self.labels))
        #expect(abs(auc - 0.8180803571428572) < 1e-9)
        // The reasons: each feature's part of the log-odds against the average row, largest first.
        let reasons = model.contributions(Self.rows[0])
        #expect(reasons.map(\.logOdds) == reasons.map(\.logOdds).sorted(by: >) && reasons.count == 3)
        let total = reasons.reduce(0) { $0 + $1.logOdds } + model.coefficients[0]
        #expect(abs(1 / (1 + exp(-total)) - model.probability(Self.rows[0])) < 1e-12)
    }

    /// Ties share their rank: scikit-learn's `roc_auc_score` gives 0.733333 for these. Lift and calibration by hand.
    @Test("AUC with ties, lift in the top decile and calibration by deciles")
    func checks() throws {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9], labels = [false, true, false, true, false, true, false, false]
        #expect(abs(try #require(ClassifierCheck.auc(scores, labels)) - 0.7333333333333333) < 1e-12)
        #expect(ClassifierCheck.auc([0.5, 0.6], [true, true]) == nil)
        // Twenty customers, the 2 highest scored both positive, 5 positive in all: lift (2/2) / (5/20) = 4.
        let twenty = (0..<20).map { Double($0) / 20 }, positive = (0..<20).map { [19, 18, 10, 3, 0].contains($0) }
        #expect(ClassifierCheck.lift(twenty, positive) == 4)
        let bins = ClassifierCheck.calibration(twenty, positive, bins: 4)
        #expect(bins.map(\.customers) == [5, 5, 5, 5])
        #expect(bins.map(\.observed) == [0.4, 0, 0.2, 0.4])
        #expect(abs(bins[0].predicted - 0.1) < 1e-12 && abs(bins[3].predicted - 0.85) < 1e-12)
    }
}
