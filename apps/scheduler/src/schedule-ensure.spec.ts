import type { Client } from '@temporalio/client';
import { connectClient, loadConfig } from '@btc/config';
import { deleteScheduleIfPresent, ensureSchedule, hourlyScheduleOptions } from '@btc/schedules';

/** `schedule ensure` runs on every deploy: on the real dev server, what it does to a schedule an operator changed. */
describe('ensureSchedule on a schedule an operator paused', () => {
  let client: Client;
  const suffix = `-ensure-${process.pid}-${Date.now()}`;
  const options = (maxInFlight: number) =>
    hourlyScheduleOptions({ taskQueue: 'unused-queue', maxInFlight, scheduleIdSuffix: suffix });
  const scheduleId = options(1).scheduleId;
  const describe_ = () => client.schedule.getHandle(scheduleId).describe();

  beforeAll(async () => {
    client = await connectClient(loadConfig(process.env, ['temporal']).temporal);
  });
  afterEach(() => deleteScheduleIfPresent(client, scheduleId));
  afterAll(() => client?.connection.close());

  it("keeps a paused schedule paused with the operator's note, and still applies changed settings", async () => {
    expect(await ensureSchedule(client, options(5))).toBe('created');
    await client.schedule.getHandle(scheduleId).pause('Bytemark outage, ticket #4711: unpause once they are back');

    expect(await ensureSchedule(client, options(7))).toBe('updated');
    const d = await describe_();
    expect(d.state).toMatchObject({
      paused: true,
      note: 'Bytemark outage, ticket #4711: unpause once they are back',
    });
    expect(d.action.type === 'startWorkflow' && d.action.args).toEqual([expect.objectContaining({ maxInFlight: 7 })]);
  });

  it('gives an active schedule its managed note back', async () => {
    await ensureSchedule(client, options(5));
    await client.schedule.getHandle(scheduleId).pause('maintenance');
    await client.schedule.getHandle(scheduleId).unpause('maintenance done');

    await ensureSchedule(client, options(5));
    expect((await describe_()).state).toMatchObject({ paused: false, note: options(5).state?.note });
  });
});
