// The HTTP routes of the book store (Fastify). Parameters and bodies are validated by JSON
// schemas, so a bad id or a missing field is a 400 that names the field.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Bookstore } from './model';
import { SHOPS } from './seed';

const id = { type: 'integer', minimum: 1 } as const;
const shop = { type: 'string', enum: SHOPS } as const;
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

function params<P extends Record<string, object>>(properties: P) {
  return { type: 'object', properties, required: Object.keys(properties) } as const;
}
function body<P extends Record<string, object>>(properties: P) {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false } as const;
}

interface IdParams { Params: { id: number } }
interface ShopParams { Params: { shop: string } }
interface CopiesParams { Params: { shop: string; bookId: number } }

/** The Fastify application serving `store`. */
export function buildApp(store: Bookstore): FastifyInstance {
  const app = Fastify({ logger: false });
  const notFound = (what: string) => ({ statusCode: 404, error: 'Not Found', message: `${what} does not exist` });

  app.get('/health', async () => ({ ok: true }));

  app.get<IdParams>('/users/:id', { schema: { params: params({ id }) } }, async (request, reply) => {
    return (await store.user(request.params.id)) ?? reply.code(404).send(notFound(`user ${request.params.id}`));
  });
  app.put<IdParams & { Body: { name: string } }>('/users/:id', { schema: { params: params({ id }), body: body({ name: text }) } }, async (request, reply) => {
    const found = await store.renameUser(request.params.id, request.body.name);
    return found ? { ok: true } : reply.code(404).send(notFound(`user ${request.params.id}`));
  });

  app.get<IdParams>('/books/:id', { schema: { params: params({ id }) } }, async (request, reply) => {
    return (await store.book(request.params.id)) ?? reply.code(404).send(notFound(`book ${request.params.id}`));
  });
  app.put<IdParams & { Body: { title: string } }>('/books/:id', { schema: { params: params({ id }), body: body({ title: text }) } }, async (request, reply) => {
    const found = await store.renameBook(request.params.id, request.body.title);
    return found ? { ok: true } : reply.code(404).send(notFound(`book ${request.params.id}`));
  });

  app.get<IdParams>('/users/:id/favourites', { schema: { params: params({ id }) } }, async (request) => store.favourites(request.params.id));
  app.post<IdParams & { Body: { bookId: number } }>(
    '/users/:id/favourites',
    { schema: { params: params({ id }), body: body({ bookId: id }) } },
    async (request, reply) => {
      const { id: userId } = request.params;
      if (!(await store.user(userId))) return reply.code(404).send(notFound(`user ${userId}`));
      if (!(await store.book(request.body.bookId))) return reply.code(404).send(notFound(`book ${request.body.bookId}`));
      return { added: await store.addFavourite(userId, request.body.bookId) };
    },
  );

  app.get<ShopParams>('/shops/:shop/shelf', { schema: { params: params({ shop }) } }, async (request) => store.shelf(request.params.shop));
  app.get<CopiesParams>('/shops/:shop/books/:bookId/copies', { schema: { params: params({ shop, bookId: id }) } }, async (request) => ({
    copies: await store.copies(request.params.shop, request.params.bookId),
  }));
  app.put<CopiesParams & { Body: { copies: number } }>(
    '/shops/:shop/books/:bookId/copies',
    { schema: { params: params({ shop, bookId: id }), body: body({ copies: { type: 'integer', minimum: 0, maximum: 1_000_000 } }) } },
    async (request, reply) => {
      if (!(await store.book(request.params.bookId))) return reply.code(404).send(notFound(`book ${request.params.bookId}`));
      await store.setCopies(request.params.shop, request.params.bookId, request.body.copies);
      return { ok: true };
    },
  );
  return app;
}
