/// How long the ledger keeps calls unless told (its default place is `TokentopFolders.history`).
public enum HistoryLocation {
    public static let defaultRetentionDays = 400
}
