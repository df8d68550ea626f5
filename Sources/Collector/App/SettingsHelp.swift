/// `collector serve --help`: every setting with its flag, environment name, unit, default and help, the help
/// wrapped to the terminal width and indented under its setting.
public enum SettingsHelp {
    public static func text(width: Int = 100) -> String {
        var out = "USAGE: collector serve [--<setting> <value> ...]\n\n"
        out += wrap("Migrates the database, then serves the API until SIGTERM or SIGINT. Every setting comes from the "
                    + "environment or from its flag, which wins.", indent: 0, width: width)
        out += "\n\nSETTINGS:\n"
        for definition in SettingDefinition.all {
            let unit = definition.unit == .text ? "" : ", \(definition.unit.rawValue)"
            let shown = definition.shownDefault.isEmpty ? "none" : definition.shownDefault
            let fallback = definition.environmentName == "DATABASE_URL" ? "required" : "default \(shown)"
            out += "  \(definition.flag) <value>    (\(definition.environmentName)\(unit), \(fallback))\n"
            out += wrap(definition.help, indent: 6, width: width) + "\n"
        }
        return out
    }

    /// Words joined into lines of at most `width` columns, each indented by `indent` spaces.
    static func wrap(_ text: String, indent: Int, width: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = margin
        for word in text.split(separator: " ") {
            if line.count > indent && line.count + 1 + word.count > width {
                lines.append(line)
                line = margin
            }
            line += (line.count > indent ? " " : "") + word
        }
        if line.count > indent { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}

extension SettingsHelp {
    /// The README's configuration table, one row per setting; a test keeps the README's copy equal to it.
    public static func markdownTable() -> String {
        var out = "| Variable | Flag | Default | Unit | Meaning |\n|---|---|---|---|---|\n"
        for definition in SettingDefinition.all {
            let shown = definition.environmentName == "DATABASE_URL" ? "(required)" : "`\(definition.shownDefault)`"
            let unit = definition.unit == .text ? "" : definition.unit.rawValue
            out += "| `\(definition.environmentName)` | `\(definition.flag)` | \(shown) | \(unit) | \(definition.help) |\n"
        }
        return out
    }
}
