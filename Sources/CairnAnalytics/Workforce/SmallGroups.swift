/// Anonymity of employee answers: a group's figure or comments are shown only when at least `minimum` people answered
/// in it — and never when the groups shown would let the hidden ones be worked out. If a whole is shown beside its
/// parts, the hidden parts together are what the whole minus the shown parts leaves: so when the hidden parts hold
/// fewer than `minimum` answers between them (one small store beside the company's total), the smallest shown parts
/// are hidden too until they hold at least `minimum` together (complementary suppression, as statistical offices do).
public enum SmallGroups {
    /// The smallest group shown (answers).
    public static let minimum = 5

    /// Which of these groups (by key, with their numbers of answers) may be shown beside a whole shown with their sum.
    public static func shown(_ counts: [String: Int], minimum: Int = Self.minimum) -> Set<String> {
        var shown = Set(counts.filter { $0.value >= minimum }.map(\.key))
        var hidden = counts.filter { !shown.contains($0.key) }.map(\.value).reduce(0, +)
        // No answer hidden, or hidden groups that hold enough answers between them: nothing can be worked out.
        guard hidden > 0, hidden < minimum else { return shown }
        for key in shown.sorted(by: { (counts[$0]!, $0) < (counts[$1]!, $1) }) {
            guard hidden < minimum else { break }
            shown.remove(key)
            hidden += counts[key]!
        }
        return shown
    }

    /// Whether a whole (or any single group) of this many answers may be shown.
    public static func mayShow(_ count: Int, minimum: Int = Self.minimum) -> Bool { count >= minimum }
}
