package org.classchain;

import java.util.List;
import java.util.Objects;

/**
 * What the genesis block fixes for the life of a chain: its id, the proof-of-work difficulty,
 * the teacher's account and, optionally, the code fingerprints peers must present.
 *
 * @param chainId a random id naming this classroom's chain
 * @param difficultyBits leading zero bits every block hash must have (1–32)
 * @param teacher the TEACHER account, hosted by the genesis creator
 * @param fingerprints accepted code fingerprints (hex SHA-256); empty accepts any
 */
public record GenesisConfig(String chainId, int difficultyBits, Account teacher, List<String> fingerprints) {

    /** The most difficulty bits a chain may ask for; keeps cumulative work within a {@code long}. */
    public static final int MAX_DIFFICULTY_BITS = 32;

    /**
     * Checks the fields.
     *
     * @param chainId 1–64 characters, not blank
     * @param difficultyBits 1 to {@link #MAX_DIFFICULTY_BITS}
     * @param teacher a TEACHER account
     * @param fingerprints copied
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public GenesisConfig {
        Objects.requireNonNull(teacher, "teacher");
        if (chainId == null || chainId.isBlank() || chainId.length() > 64) {
            throw new IllegalArgumentException("a chain id is 1-64 characters");
        }
        if (difficultyBits < 1 || difficultyBits > MAX_DIFFICULTY_BITS) {
            throw new IllegalArgumentException("difficulty bits are 1-" + MAX_DIFFICULTY_BITS + ", not " + difficultyBits);
        }
        if (teacher.role() != Role.TEACHER) {
            throw new IllegalArgumentException("the genesis account must be a TEACHER");
        }
        fingerprints = List.copyOf(fingerprints);
    }
}
