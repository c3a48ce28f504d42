/** The teacher's side over any transport: SRP-6a sign-in computed locally, MAC'd batches through any peer. */
package org.classchain.core.client;
