// Package ghrunner reads a step's output the way the GitHub Actions runner
// does (actions/runner: ActionCommandManager.TryProcessCommand,
// ActionCommand.TryParseV2 and TryParse), so tests can tell which workflow
// commands an output would run: the annotations ssespec means to print, and
// nothing a target's text could smuggle in.
package ghrunner

import (
	"strings"
	"unicode"
)

// Command is one workflow command the runner would process.
type Command struct {
	Name       string
	Properties map[string]string
	Data       string
}

// registered are the runner's command extensions (and stop-commands).
var registered = []string{"add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error",
	"group", "notice", "remove-matcher", "save-state", "set-env", "set-output", "stop-commands", "warning"}

// Commands returns the commands the runner would process in out, in order,
// leaving out stop-commands and its resume token (while stopped, nothing
// else is processed).
func Commands(out string) []Command {
	known := map[string]bool{}
	for _, c := range registered {
		known[c] = true
	}
	var cmds []Command
	stopToken := ""
	for _, line := range splitLines(out) {
		c, ok := parseV2(line, known)
		if !ok {
			c, ok = parseLegacy(line, known)
		}
		if !ok {
			continue
		}
		switch {
		case stopToken != "":
			if strings.EqualFold(c.Name, stopToken) {
				delete(known, strings.ToLower(stopToken))
				stopToken = ""
			}
		case c.Name == "stop-commands":
			stopToken = c.Data
			known[strings.ToLower(stopToken)] = true
		default:
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// splitLines splits as .NET's StreamReader.ReadLine does: at \n, \r or \r\n.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
}

func parseV2(line string, known map[string]bool) (Command, bool) {
	line = strings.TrimLeftFunc(line, unicode.IsSpace) // .NET's TrimStart: the same White_Space set
	if !strings.HasPrefix(line, "::") {
		return Command{}, false
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		return Command{}, false
	}
	info := line[2 : 2+end]
	name, props, _ := strings.Cut(info, " ")
	if !known[strings.ToLower(name)] {
		return Command{}, false
	}
	c := Command{Name: strings.ToLower(name), Properties: map[string]string{}}
	for _, p := range strings.Split(strings.TrimSpace(props), ",") {
		if k, v, ok := strings.Cut(p, "="); ok && k != "" && v != "" {
			c.Properties[k] = unescape(v, true)
		}
	}
	c.Data = unescape(line[2+end+2:], false)
	return c, true
}

// parseLegacy is the ##[name k=v;…]data form, found anywhere in a line.
func parseLegacy(line string, known map[string]bool) (Command, bool) {
	i := strings.Index(line, "##[")
	if i < 0 {
		return Command{}, false
	}
	rb := strings.IndexByte(line[i:], ']')
	if rb < 0 {
		return Command{}, false
	}
	name, _, _ := strings.Cut(line[i+3:i+rb], " ")
	if !known[strings.ToLower(name)] {
		return Command{}, false
	}
	return Command{Name: strings.ToLower(name), Properties: map[string]string{}, Data: line[i+rb+1:]}, true
}

func unescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	for i := 0; i < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return strings.ReplaceAll(s, "%25", "%")
}
