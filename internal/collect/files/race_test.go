//go:build race

package files

// raceDetector is set under -race, which makes decoding about ten times slower.
const raceDetector = true
