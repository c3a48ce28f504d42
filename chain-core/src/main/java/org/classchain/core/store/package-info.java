/**
 * A peer's durable state in its data dir: the append-only block log, the journal of commands it
 * ran, and the lock that keeps a second peer off the same dir. Every write is fsync'd before it
 * counts; a torn tail left by a crash is dropped on open, a corrupt complete record is an error.
 */
package org.classchain.core.store;
