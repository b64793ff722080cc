import type { Express } from 'express';
import type { ChatServices } from '../chat/chat-services.ts';

/**
 * GET /packs/<token>: the evidence pack a person asked for on Teams, once. The token is the workspace,
 * the request's link id and expiry, signed with the request's own HMAC key (kept in the database with
 * the zip, so any replica serves it, after a restart too); a forged, expired, used or other workspace's
 * token is 404.
 */
export function mountPackDownloads(http: Express, services: Pick<ChatServices, 'evidencePack' | 'logger'>): void {
  http.get('/packs/:token', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    let pack: { bytes: Buffer; filename: string } | undefined;
    try {
      pack = await services.evidencePack.take(req.params.token);
    } catch (error) {
      services.logger.error('serving an evidence pack failed', { error });
      res.status(500).type('text/plain').send('The pack could not be read; try the link again.');
      return;
    }
    if (!pack) {
      res.status(404).type('text/plain').send('No such pack: the link was used already, has expired, or is not one the bot made.');
      return;
    }
    res.status(200).type('application/zip').setHeader('Content-Disposition', `attachment; filename="${pack.filename}"`);
    res.send(pack.bytes);
  });
}
