package iostreams

// ColorScheme wraps text in ANSI colours when enabled and returns it unchanged otherwise.
type ColorScheme struct{ enabled bool }

// NewColorScheme returns a scheme that colours only when enabled, for writers that are handed the
// decision rather than the streams.
func NewColorScheme(enabled bool) ColorScheme { return ColorScheme{enabled: enabled} }

// ColorScheme returns the scheme for these streams.
func (s *IOStreams) ColorScheme() ColorScheme { return ColorScheme{enabled: s.color} }

func (c ColorScheme) wrap(code, t string) string {
	if !c.enabled || t == "" {
		return t
	}
	return "\x1b[" + code + "m" + t + "\x1b[0m"
}

// Default wraps t in the terminal's default colour: a no-op that keeps escape lengths equal
// across a table column.
func (c ColorScheme) Default(t string) string { return c.wrap("39", t) }
func (c ColorScheme) Red(t string) string     { return c.wrap("31", t) }
func (c ColorScheme) Green(t string) string   { return c.wrap("32", t) }
func (c ColorScheme) Yellow(t string) string  { return c.wrap("33", t) }
func (c ColorScheme) Magenta(t string) string { return c.wrap("35", t) }
func (c ColorScheme) Cyan(t string) string    { return c.wrap("36", t) }
func (c ColorScheme) Gray(t string) string    { return c.wrap("90", t) }
func (c ColorScheme) Bold(t string) string    { return c.wrap("1", t) }
