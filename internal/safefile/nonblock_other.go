//go:build !unix

package safefile

// nonBlock is not needed where opening a file cannot block on a writer.
const nonBlock = 0
