package org.classchain;

import java.util.Objects;

/**
 * A file a student's peer is fetching off the chain (or finished a moment ago), as its status
 * reports it to the teacher's room: what the console's card draws as "worksheet.pdf 34 %". Said
 * by the student's own peer, so a student running a modified peer can misreport it; the receipt
 * (and the SHA-256 it checks) is what says a file arrived.
 *
 * @param root the SHA-256 of the file's manifest, 64 hex digits: which file of a send-file command
 * @param name the name the teacher gave it
 * @param verified bytes held so far, each chunk checked against its digest
 * @param size the file's length in bytes
 * @param sources how many peers it may fetch from now (the teacher's and the classmates it knows)
 */
public record FileProgress(String root, String name, long verified, long size, int sources) {

    /**
     * Checks the counts.
     *
     * @param root never null
     * @param name never null
     * @param verified 0 to {@code size}
     * @param size 0 or more
     * @param sources 0 or more
     */
    public FileProgress {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(name, "name");
        if (size < 0 || verified < 0 || verified > size || sources < 0) {
            throw new IllegalArgumentException("a file's progress out of range: " + verified + " of " + size
                    + " bytes, " + sources + " sources");
        }
    }

    /**
     * How much of the file is verified, rounded down, 100 only once every byte is.
     *
     * @return 0 to 100
     */
    public int percent() {
        return size == 0 ? 100 : (int) (verified * 100 / size);
    }
}
