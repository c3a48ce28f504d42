/**
 * What a peer remembers for a while and then forgets: bounded maps of what it verified, relayed,
 * granted or rate-limited lately, so that no flood of new keys can grow its memory.
 */
package org.classchain.core.cache;
