extension PostgresConnection {
    /// Runs `body` in a transaction, as pgx's `BeginFunc` does: commits when it returns, rolls back when it
    /// throws, and discards the connection when the rollback fails too, so the pool never hands out a connection
    /// in an unknown state. No caller writes BEGIN, COMMIT or ROLLBACK.
    public func transaction<Value>(
        _ body: (PostgresConnection) throws(PostgresError) -> Value
    ) throws(PostgresError) -> Value {
        // A body that never decides to roll back always returns a value, so the force unwrap cannot fail.
        try transaction(rollingBackOnNil: { connection throws(PostgresError) -> Value? in try body(connection) })!
    }

    /// The same, except that a body returning nil rolls back (nothing it wrote stays) and nil is returned: for a
    /// write that finds it must be redone another way.
    public func transaction<Value>(
        rollingBackOnNil body: (PostgresConnection) throws(PostgresError) -> Value?
    ) throws(PostgresError) -> Value? {
        try execute("BEGIN")
        let value: Value?
        do {
            value = try body(self)
        } catch {
            rollBack()
            throw error
        }
        guard let value else {
            rollBack()
            return nil
        }
        do {
            try execute("COMMIT")
        } catch {
            rollBack()
            throw error
        }
        return value
    }

    private func rollBack() {
        guard isUsable, !isIdle else { return }
        do {
            try execute("ROLLBACK")
        } catch {
            discard()
        }
    }
}
