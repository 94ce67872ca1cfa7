import CairnCore
import Foundation
import Testing

@Suite("Units-sold periods")
struct UnitsSoldPeriodTests {
    @Test("Days, Monday weeks and months agree with the Gregorian calendar in UTC, before and after 1970")
    func periodsAgreeWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: Int64(-800), through: 40_000, by: 7) + [0, 58, 59, 789, 11_016, 20_415] {
            let date = Date(timeIntervalSince1970: TimeInterval(day * 86_400))
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = Timestamp.civil(fromDays: day)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day, "day \(day)")
            #expect(UnitsSoldPeriod.day.label(ofBucket: UnitsSoldPeriod.day.bucket(ofDay: day)) == String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
            #expect(UnitsSoldPeriod.month.label(ofBucket: UnitsSoldPeriod.month.bucket(ofDay: day)) == String(format: "%04d-%02d", parts.year!, parts.month!))
            // The week starts on the Monday on or before the day (weekday 2 in the Gregorian calendar).
            let back = (parts.weekday! + 5) % 7
            let monday = calendar.dateComponents([.year, .month, .day], from: date.addingTimeInterval(TimeInterval(-back * 86_400)))
            #expect(UnitsSoldPeriod.week.label(ofBucket: UnitsSoldPeriod.week.bucket(ofDay: day)) == String(format: "%04d-%02d-%02d", monday.year!, monday.month!, monday.day!), "day \(day)")
        }
    }
}
