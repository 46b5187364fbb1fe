import { useState } from 'react';
import { App, Button, Dropdown, Flex, Form, Input, Modal, Typography } from 'antd';
import { DeleteOutlined, FilterOutlined, SaveOutlined } from '@ant-design/icons';
import type { SavedFilter } from './filters';

/**
 * 常用筛选: the current filter set saved under a name (this browser only),
 * picked again from a dropdown, or deleted.
 */
export function SavedFilters(props: {
  saved: SavedFilter[];
  /** the current filter set as a query string ('' = no filters) */
  current: string;
  onApply: (s: SavedFilter) => void;
  onChange: (next: SavedFilter[]) => void;
}) {
  const { message } = App.useApp();
  const [naming, setNaming] = useState(false);
  const [form] = Form.useForm<{ name: string }>();
  const active = props.saved.find((s) => s.query === props.current);

  function save() {
    void form.validateFields().then(({ name }) => {
      const trimmed = name.trim();
      const rest = props.saved.filter((s) => s.name !== trimmed);
      props.onChange([...rest, { name: trimmed, query: props.current }].slice(-20));
      message.success(`已保存筛选“${trimmed}”`);
      setNaming(false);
    });
  }

  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          selectable: true,
          selectedKeys: active ? [active.name] : [],
          items: props.saved.length
            ? props.saved.map((s) => ({
                key: s.name,
                label: (
                  <Flex justify="space-between" align="center" gap={16}>
                    <span>{s.name}</span>
                    <Button
                      type="text"
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`删除筛选 ${s.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        props.onChange(props.saved.filter((x) => x.name !== s.name));
                        message.success(`已删除筛选“${s.name}”`);
                      }}
                    />
                  </Flex>
                ),
              }))
            : [{ key: '__none', disabled: true, label: '还没有保存的筛选' }],
          onClick: ({ key }) => {
            const s = props.saved.find((x) => x.name === key);
            if (s) props.onApply(s);
          },
        }}
      >
        <Button icon={<FilterOutlined />} data-testid="saved-filters">
          {active ? `常用筛选：${active.name}` : '常用筛选'}
        </Button>
      </Dropdown>
      <Button
        icon={<SaveOutlined />}
        disabled={!props.current}
        onClick={() => {
          form.resetFields();
          setNaming(true);
        }}
        data-testid="save-filter"
      >
        保存筛选
      </Button>
      <Modal
        open={naming}
        title="保存当前筛选条件"
        okText="保存"
        onOk={save}
        onCancel={() => setNaming(false)}
        destroyOnHidden
        forceRender
      >
        <Typography.Paragraph type="secondary">
          保存在本浏览器中，之后可从“常用筛选”中一键选用。同名的筛选会被覆盖。
        </Typography.Paragraph>
        <Form form={form} name="saved-filter" layout="vertical" onFinish={save}>
          <Form.Item
            label="名称"
            name="name"
            rules={[
              { required: true, whitespace: true, message: '请输入名称' },
              { max: 20, message: '不能超过20个字符' },
            ]}
          >
            <Input placeholder="如：在建省重点" maxLength={20} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
