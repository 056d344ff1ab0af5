/** JSON bodies of the REST API that are not stored records (those live in {@code io.hostwatch.schema}). */
package io.hostwatch.service.api;
