package org.classchain.core.validation;

/** The validation rules of DESIGN sections 3 and 5; a rejection names one. */
public enum Rule {
    /** The encoded block is larger than the limit. */
    SIZE,
    /** The bytes do not decode, or the payload is not canonical. */
    ENCODING,
    /** An unknown header version. */
    VERSION,
    /** The carried hash is not the SHA-256 of the header. */
    HASH,
    /** The hash has fewer leading zero bits than the header's difficulty. */
    PROOF_OF_WORK,
    /** The header's difficulty is not the genesis difficulty. */
    DIFFICULTY,
    /** The payload hash in the header does not match the payload. */
    PAYLOAD_HASH,
    /** A genesis block where none belongs, or a malformed genesis. */
    GENESIS,
    /** The parent is not known (the caller fetches it). */
    UNKNOWN_PARENT,
    /** The height is not the parent's plus one. */
    HEIGHT,
    /** The timestamp is too far in the future or before the parent's. */
    TIMESTAMP,
    /** The grant names another chain. */
    GRANT_CHAIN,
    /** The grant's account is unknown, not a TEACHER, or the role does not match. */
    GRANT_ROLE,
    /** The grant's host does not host the account. */
    GRANT_HOST,
    /** The grant's signature does not verify. */
    GRANT_SIGNATURE,
    /** The grant does not cover exactly this batch. */
    GRANT_COMMANDS,
    /**
     * The grant does not follow the parent block's grant: a granted batch is valid only at the
     * place its host gave it (or an unordered grant after an ordered one).
     */
    GRANT_ORDER,
    /** The grant was already used on this chain. */
    GRANT_REPLAYED,
    /** A command id already on this chain, or a command that outlives the grant by more than the maximum TTL. */
    COMMAND,
    /** An account update that is not allowed. */
    ACCOUNT
}
