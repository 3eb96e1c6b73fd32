package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// candidates are tried in order on PATH. Debian ships "chromium";
// chromium-headless-shell is the smaller headless-only build.
var candidates = []string{"chromium", "chromium-headless-shell", "google-chrome", "google-chrome-stable"}

// ErrNotFound is returned (wrapped) by Find when no browser is installed.
var ErrNotFound = errors.New(`no Chromium found: install it (Debian/Ubuntu: "apt-get install chromium") or pass its path`)

// Find locates a Chromium executable. An explicit path or command name is
// used as given, with no fallback, so a typo is reported rather than silently
// replaced by another browser. Otherwise PATH is searched for candidates.
func Find(explicit string) (string, error) {
	if explicit != "" {
		if strings.ContainsRune(explicit, os.PathSeparator) {
			fi, err := os.Stat(explicit)
			if err != nil {
				return "", fmt.Errorf("browser: %w: %w", ErrNotFound, err)
			}
			if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
				return "", fmt.Errorf("browser: %w: %s is not an executable file", ErrNotFound, explicit)
			}
			return explicit, nil
		}
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("browser: %w: %w", ErrNotFound, err)
		}
		return p, nil
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("browser: %w (looked on PATH for %s)", ErrNotFound, strings.Join(candidates, ", "))
}
